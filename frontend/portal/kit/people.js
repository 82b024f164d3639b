/* Staff as people read them: the display name (王师傅) for a login the server named in o.names
   (the order view carries names for the logins it shows). Not on the first load. */
/** The display name of a staff login the server named in o.names, else the login. */
export function who(o, login) { return (o.names && o.names[login]) || login || ""; }
