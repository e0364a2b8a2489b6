// "/" focuses the search box (unless typing in a field already); Escape leaves it.
document.addEventListener("keydown", (event) => {
  const box = document.getElementById("q");
  const target = event.target;
  const typing = target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    } else {
      window.location.href = "/";
    }
  } else if (event.key === "Escape" && target === box) {
    box.blur();
  }
});
