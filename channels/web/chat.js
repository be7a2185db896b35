// madoguchi web chat: sends what the resident types (or taps) to /api/chat and shows the replies.
(function () {
  "use strict";
  const log = document.getElementById("log");
  const form = document.getElementById("form");
  const input = document.getElementById("message");
  const send = document.getElementById("send");
  const key = "madoguchi-sender";
  let sender = localStorage.getItem(key);
  if (!sender) {
    sender = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).replace(/[^A-Za-z0-9]/g, "");
    localStorage.setItem(key, sender);
  }

  function buttonRow(buttons) {
    const row = document.createElement("div");
    row.className = "buttons";
    buttons.forEach(function (b) {
      const el = document.createElement("button");
      el.type = "button";
      el.textContent = b.title;
      el.addEventListener("click", function () { ask(b.payload, b.title); });
      row.appendChild(el);
    });
    return row;
  }

  // a card (a class date, say): a title, a few lines and its own buttons
  function card(c) {
    const box = document.createElement("div");
    box.className = "card";
    const title = document.createElement("strong");
    title.textContent = c.title || "";
    box.appendChild(title);
    (c.lines || []).forEach(function (line) {
      const p = document.createElement("p");
      p.textContent = line;
      box.appendChild(p);
    });
    if (c.buttons && c.buttons.length) { box.appendChild(buttonRow(c.buttons)); }
    return box;
  }

  function show(text, who, buttons, cards) {
    const item = document.createElement("li");
    item.className = "msg " + who;
    item.textContent = text;
    (cards || []).forEach(function (c) { if (c && c.title) { item.appendChild(card(c)); } });
    if (buttons && buttons.length) { item.appendChild(buttonRow(buttons)); }
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  async function ask(message, shown, silent) {
    if (!silent) { show(shown || message, "me"); }
    send.disabled = true;
    try {
      const res = await fetch("/api/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: sender, message: message })
      });
      const data = await res.json();
      (data.messages || []).forEach(function (m) {
        show(m.text || "", res.ok ? "bot" : "error", m.buttons, m.custom && m.custom.cards);
      });
    } catch (e) {
      show("通信できませんでした。少し待ってから、もう一度送ってください。", "error");
    } finally {
      send.disabled = false;
      input.focus();
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) { input.focus(); return; }
    input.value = "";
    ask(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); form.requestSubmit(); }
  });
  ask("こんにちは", null, true);  // the welcome, without a message the resident did not type
})();
