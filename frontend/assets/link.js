/* Where a short SMS link that is wrong or has expired lands (/l/<code>): what to do now. */
(function () {
  "use strict";
  App.applyI18n();
  App.setupLangButton();
  App.linkProblem();
})();
