// Chat page. Every piece of text from the server or the user is put into the page with
// textContent (never innerHTML), so a question containing <script> shows as text.
"use strict";

(function () {
  var STORAGE_KEY = "talentbot.sessionId";
  var SESSION_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
  var POLL_MS = 3000;

  var els = {
    name: document.getElementById("bot-name"),
    greeting: document.getElementById("greeting"),
    examples: document.getElementById("examples-list"),
    messages: document.getElementById("messages"),
    pending: document.getElementById("pending"),
    form: document.getElementById("ask-form"),
    input: document.getElementById("question"),
    send: document.getElementById("send"),
    newChat: document.getElementById("new-chat"),
    main: document.getElementById("chat-main"),
  };

  var state = { sessionId: loadSession(false), lastSeq: 0, rendered: new Set(), busy: false, polling: false };

  function newSessionId() {
    var bytes = new Uint8Array(18);
    crypto.getRandomValues(bytes);
    var text = "";
    bytes.forEach(function (b) { text += String.fromCharCode(b); });
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function loadSession(fresh) {
    var id = null;
    try {
      id = fresh ? null : localStorage.getItem(STORAGE_KEY);
      if (!id || !SESSION_PATTERN.test(id)) {
        id = newSessionId();
        localStorage.setItem(STORAGE_KEY, id);
      }
    } catch (e) {
      id = id && SESSION_PATTERN.test(id) ? id : newSessionId(); // storage blocked: this tab only
    }
    return id;
  }

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Same rule as the policy pages' element ids (src/web/pages.ts articleAnchor). */
  function citationHref(citation) {
    var href = "/policies/" + encodeURIComponent(citation.doc);
    if (citation.article) href += "#" + citation.article.replace(/\s+/g, "_");
    return href;
  }

  function scrollToEnd() {
    els.main.scrollTop = els.main.scrollHeight;
  }

  /** Markdown **bold** within a run of text as <strong>; every piece is a text node. */
  function appendInline(parent, text) {
    text.split(/(?<!\*)\*\*([^*\n]+?)\*\*(?!\*)/).forEach(function (part, index) {
      if (part === "") return;
      parent.appendChild(index % 2 === 1 ? make("strong", null, part) : document.createTextNode(part));
    });
  }

  var LIST_LINE = /^\s*[-*•]\s+(.*)$/;

  /**
   * The answer text: lines starting with "- " (the knowledge base's Markdown lists) become a
   * list, everything else stays text with its line breaks; **bold** as <strong>.
   */
  function richText(text) {
    var box = make("div", "text");
    var lines = text.split("\n");
    var run = [];
    var list = null;
    function flushRun() {
      if (run.length) appendInline(box, run.join("\n"));
      run = [];
    }
    lines.forEach(function (line) {
      var item = LIST_LINE.exec(line);
      if (item) {
        flushRun();
        if (!list) {
          list = make("ul", "md-list");
          box.appendChild(list);
        }
        var li = make("li");
        appendInline(li, item[1]);
        list.appendChild(li);
      } else {
        list = null;
        run.push(line);
      }
    });
    flushRun();
    return box;
  }

  function bubble(from, text) {
    var li = make("li", "msg msg-" + from);
    var box = make("div", "bubble");
    if (from === "staff") box.appendChild(make("p", "tag", "工作人员答复"));
    if (from === "system") box.setAttribute("role", "alert");
    box.appendChild(from === "user" ? make("p", "text", text) : richText(text));
    li.appendChild(box);
    return { li: li, box: box };
  }

  var TEXT_PLACEHOLDER = els.input.placeholder;

  /** A question that wants a number (the eligibility check's age, years): a number keyboard on phones, and the unit in the box. */
  function expectNumber(number) {
    if (number) {
      els.input.inputMode = "decimal";
      els.input.placeholder = "请输入数字" + (number.unit ? "（单位：" + number.unit + "）" : "") + "，按 Enter 发送";
    } else {
      els.input.inputMode = "text";
      els.input.placeholder = TEXT_PLACEHOLDER;
    }
  }

  function render(item, replaceNode) {
    if (state.rendered.has(item.seq)) {
      if (replaceNode) replaceNode.remove();
      return;
    }
    state.rendered.add(item.seq);
    state.lastSeq = Math.max(state.lastSeq, item.seq);
    var parts = bubble(item.from, item.text);
    parts.li.dataset.seq = String(item.seq);
    // One link per cited article (an eligibility result cites each benefit that applies).
    [item.citation].concat(item.citations || []).forEach(function (citation) {
      if (!citation) return;
      var link = make("a", "citation", "查看政策原文：《" + citation.title + "》" + (citation.article || ""));
      link.href = citationHref(citation);
      link.target = "_blank";
      link.rel = "noopener";
      parts.box.appendChild(link);
    });
    if (item.from !== "user") expectNumber(item.number);
    if (item.choices && item.choices.length) {
      var choices = make("div", "choices");
      choices.setAttribute("role", "group");
      choices.setAttribute("aria-label", "请选择您想问的问题");
      item.choices.forEach(function (choice, index) {
        var button = make("button", "choice", index + 1 + ". " + choice.label);
        button.type = "button";
        button.addEventListener("click", function () {
          send(choice.label, true);
        });
        choices.appendChild(button);
      });
      parts.box.appendChild(choices);
    }
    if (item.feedback) {
      var feedback = make("div", "feedback");
      feedback.setAttribute("role", "group");
      feedback.setAttribute("aria-label", "这个回答有帮助吗？");
      feedback.appendChild(make("span", "feedback-question", "这个回答有帮助吗？"));
      ["有帮助", "没帮助"].forEach(function (word) {
        var button = make("button", "feedback-button", word);
        button.type = "button";
        button.addEventListener("click", function () {
          feedback.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
          send(word, true);
        });
        feedback.appendChild(button);
      });
      parts.box.appendChild(feedback);
    }
    if (replaceNode) replaceNode.replaceWith(parts.li);
    else els.messages.appendChild(parts.li);
  }

  function say(from, text) {
    var parts = bubble(from, text);
    els.messages.appendChild(parts.li);
    scrollToEnd();
    return parts.li;
  }

  function setBusy(busy) {
    state.busy = busy;
    els.pending.hidden = !busy;
    els.send.disabled = busy;
    if (busy) scrollToEnd();
  }

  function send(text, fromButton) {
    text = text.trim();
    if (!text || state.busy) return;
    var local = say("user", text);
    local.classList.add("sending");
    setBusy(true);
    var sessionId = state.sessionId;
    fetch("/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sessionId: sessionId, text: text }),
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (sessionId !== state.sessionId) return; // a new conversation was started meanwhile
          if (!response.ok || !Array.isArray(data.messages)) {
            local.classList.remove("sending");
            say("system", data.error || "发送失败，请稍后再试。");
            return;
          }
          data.messages.forEach(function (item, index) {
            render(item, index === 0 && item.from === "user" ? local : undefined);
          });
        });
      })
      .catch(function () {
        local.classList.remove("sending");
        say("system", "网络连接失败，请检查网络后重试。");
      })
      .finally(function () {
        setBusy(false);
        scrollToEnd();
        if (fromButton) els.input.focus();
      });
  }

  /** `resume` on the first load only: the server adds the question a running eligibility check waits for. */
  function poll(resume) {
    if (state.busy || state.polling) return Promise.resolve();
    state.polling = true;
    var sessionId = state.sessionId;
    return fetch("/api/chat/history?sessionId=" + encodeURIComponent(sessionId) + "&after=" + state.lastSeq + (resume === true ? "&resume=true" : ""))
      .then(function (response) { return response.ok ? response.json() : { messages: [] }; })
      .then(function (data) {
        if (sessionId !== state.sessionId || state.busy) return;
        var before = state.lastSeq;
        (data.messages || []).forEach(function (item) { render(item); });
        if (state.lastSeq !== before) scrollToEnd();
      })
      .catch(function () { /* offline: try again at the next poll */ })
      .finally(function () { state.polling = false; });
  }

  function loadConfig() {
    return fetch("/api/chat/config")
      .then(function (response) { return response.json(); })
      .then(function (config) {
        els.name.textContent = config.botName;
        document.title = config.botName;
        els.greeting.textContent = config.greeting;
        els.examples.replaceChildren();
        (config.examples || []).forEach(function (example) {
          var button = make("button", "example", example);
          button.type = "button";
          button.addEventListener("click", function () { send(example, true); });
          els.examples.appendChild(button);
        });
      })
      .catch(function () {
        els.greeting.textContent = "您好！请直接输入您的问题。";
      });
  }

  els.form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = els.input.value;
    if (!text.trim() || state.busy) return;
    els.input.value = "";
    send(text, false);
  });

  els.newChat.addEventListener("click", function () {
    state.sessionId = loadSession(true);
    state.lastSeq = 0;
    state.rendered = new Set();
    els.messages.replaceChildren();
    els.input.focus();
  });

  loadConfig().then(function () {
    return poll(true);
  }).then(function () {
    scrollToEnd();
    document.body.dataset.ready = "true";
  });
  setInterval(poll, POLL_MS);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) poll();
  });
})();
