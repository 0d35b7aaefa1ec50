/*
 * SecondSelf chat-site editor helpers: how to read and write a composer through the editor's own
 * input path, shared by the site adapters in this folder.
 *
 * - rich (ProseMirror, TipTap, Quill): focus, select all, then one `execCommand('insertText')` per
 *   line with `insertLineBreak` between, so the editor's model changes via its `beforeinput`
 *   handling; raw DOM writes would be reverted or desync the editor.
 * - lexical (Lexical): one `insertText` with the whole text; Lexical commits a task later, so the
 *   caller verifies later and never retries (a retry triples the text).
 * - textarea (React): the prototype's value setter, then a bubbling `input` event; a plain
 *   `.value =` is swallowed by React's value tracker.
 * Must not: touch page scripts or globals; every write replaces the composer's whole content.
 */
(() => {
  /** The composer's text, one line per block child (`p`, `div`), `<br>` as a newline. */
  function readRich(el) {
    const blocks = [...el.children].filter((c) => /^(P|DIV|H\d|LI|PRE|BLOCKQUOTE)$/.test(c.tagName));
    const text = (node) => {
      let out = "";
      for (const n of node.childNodes) {
        if (n.nodeType === Node.TEXT_NODE) out += n.data;
        else if (n.nodeName === "BR") out += n === node.lastChild ? "" : "\n";
        else if (n.nodeType === Node.ELEMENT_NODE) out += text(n);
      }
      return out;
    };
    return blocks.length ? blocks.map(text).join("\n") : text(el);
  }

  function selectAll(el) {
    el.focus();
    const sel = el.ownerDocument.getSelection();
    const range = el.ownerDocument.createRange();
    range.selectNodeContents(el);
    sel.removeAllRanges();
    sel.addRange(range);
  }

  function writeRich(el, text) {
    selectAll(el);
    const lines = text.split("\n");
    if (text === "") return document.execCommand("delete");
    lines.forEach((line, i) => {
      if (i > 0) document.execCommand("insertLineBreak");
      if (line !== "") document.execCommand("insertText", false, line);
      else if (i === 0) document.execCommand("delete");
    });
    return true;
  }

  function writeLexical(el, text) {
    selectAll(el);
    return text === "" ? document.execCommand("delete") : document.execCommand("insertText", false, text);
  }

  function writeTextarea(el, text) {
    el.focus();
    const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
    setter.call(el, text);
    el.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }

  globalThis.SecondSelfEditors = Object.freeze({
    rich: Object.freeze({ read: readRich, write: writeRich }),
    lexical: Object.freeze({ read: readRich, write: writeLexical }),
    textarea: Object.freeze({ read: (el) => el.value, write: writeTextarea }),
  });
})();
