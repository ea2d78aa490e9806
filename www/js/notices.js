// Messages for the user in a polite live region: clamped settings, refused input, what a
// button did. Each expires after a while unless it is sticky or holds the focus.

const NOTICE_TTL_MS = 12000;
const MAX_NOTICES = 5;

export function createNotices(list) {
  /**
   * Show a message. kind: info | warn | error. `text` may be a list: its lines become one
   * notice (one paragraph each), so a batch of messages (a link with many out-of-range
   * settings) is not cut down by the cap on notices. `action: { label, run }` adds a button
   * (Undo, say) that runs once and closes the notice.
   */
  function notify(text, { kind = 'warn', sticky = false, action = null } = {}) {
    const lines = (Array.isArray(text) ? text : [text]).map(String);
    const message = lines.join('\n');
    const until = String(sticky ? Infinity : performance.now() + NOTICE_TTL_MS);
    for (const li of list.children) {
      if (li.dataset.text === message) {
        li.dataset.until = until;
        return;
      }
    }
    const li = document.createElement('li');
    li.className = kind;
    li.dataset.text = message;
    li.dataset.until = until;
    const paragraphs = lines.map((line) => {
      const p = document.createElement('p');
      p.textContent = line; // never as HTML
      return p;
    });
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Dismiss';
    close.title = 'Hide this message';
    close.addEventListener('click', () => li.remove());
    const buttons = [close];
    if (action) {
      const act = document.createElement('button');
      act.type = 'button';
      act.textContent = action.label;
      act.addEventListener('click', () => {
        li.remove();
        action.run();
      });
      buttons.unshift(act);
    }
    if (paragraphs.length === 1) {
      li.append(paragraphs[0], ...buttons);
    } else {
      const body = document.createElement('div'); // the lines stack; the buttons stay beside
      body.append(...paragraphs);
      li.append(body, ...buttons);
    }
    list.append(li);
    while (list.children.length > MAX_NOTICES) list.firstElementChild.remove();
  }

  /** Messages the Rust side collected in one call belong together: one notice for them. */
  function fromRust(messages) {
    if (Array.isArray(messages) && messages.length) notify(messages.length === 1 ? messages[0] : messages);
  }

  function expire(now) {
    for (const li of [...list.children]) {
      if (Number(li.dataset.until) < now && !li.contains(document.activeElement)) li.remove();
    }
  }

  /** Remove the notices whose text begins with `prefix` (what they said no longer holds). */
  function dismiss(prefix) {
    for (const li of [...list.children]) if (li.dataset.text.startsWith(prefix)) li.remove();
  }

  return { notify, fromRust, expire, dismiss };
}
