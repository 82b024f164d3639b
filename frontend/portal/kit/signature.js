/* A signature pad on a <canvas>: draw with a finger, a pen or a mouse. */
export function signaturePad(canvas) {
  const ctx = canvas.getContext("2d");
  let drawing = false, used = false;
  const r0 = canvas.getBoundingClientRect();
  canvas.width = r0.width; canvas.height = r0.height;
  ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.strokeStyle = "#111";
  const pos = (e) => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  canvas.addEventListener("pointerdown", (e) => {
    drawing = true; used = true; const p = pos(e);
    ctx.beginPath(); ctx.moveTo(p[0], p[1]); canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener("pointermove", (e) => { if (!drawing) return; const p = pos(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); });
  canvas.addEventListener("pointerup", () => { drawing = false; });
  return {
    clear() { ctx.clearRect(0, 0, canvas.width, canvas.height); used = false; },
    value() { return used ? canvas.toDataURL("image/png") : ""; },
  };
}
