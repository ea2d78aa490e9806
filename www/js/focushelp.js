// Keyboard users get each control's help text (its title) in a line at the bottom of the
// window while it has focus: a title alone shows only on mouse hover.

/** `line`: the element fixed at the bottom of the window that shows the help text. */
export function wireFocusHelp(line) {
  document.addEventListener('focusin', (ev) => {
    const t = ev.target instanceof Element ? ev.target.closest('[title]') : null;
    if (t && t.matches(':focus-visible') && t.title) {
      line.textContent = t.title;
      line.hidden = false;
      // The line is fixed at the bottom: a focused control must never sit under it.
      const under = ev.target.getBoundingClientRect().bottom + 8 - line.getBoundingClientRect().top;
      if (under > 0) window.scrollBy({ top: under, behavior: 'instant' });
    } else {
      line.hidden = true;
    }
  });
  document.addEventListener('focusout', () => {
    line.hidden = true;
  });
}
