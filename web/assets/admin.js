// Staff console. All data is put into the page with textContent (never innerHTML): the
// questions come from the public and may contain markup such as <script> or <img onerror>.
"use strict";

(function () {
  var csrfToken = null;
  var faqs = [];
  var charts = {};

  var STATUS_NAMES = { open: "待处理", replied: "已答复", promoted: "已加入问答", dismissed: "已忽略" };
  var REASON_NAMES = { suggested: "给出建议", excerpt: "摘录回答", unanswered: "未能回答", human: "转人工", unhelpful: "反馈无帮助" };
  var CHANNEL_NAMES = { web: "网页", console: "终端", telegram: "Telegram", wechat: "微信" };
  var ANSWER_STATUS = { answered: "已回答", suggested: "给出建议", excerpt: "摘录回答", unanswered: "未能回答", smalltalk: "闲聊", empty: "没有可回答的内容", too_long: "过长" };

  function $(id) {
    return document.getElementById(id);
  }

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function field(labelText, control) {
    var label = make("label", "field");
    label.appendChild(make("span", "field-label", labelText));
    label.appendChild(control);
    return label;
  }

  var toastTimer = null;

  /** A short-lived message: it covers content, so it goes by itself (errors stay a little longer) or on a click. */
  function toast(message, isError) {
    var node = $("toast");
    node.textContent = message;
    node.className = isError ? "toast error" : "toast";
    clearTimeout(toastTimer);
    // Long enough to read: a promote's result lists what was left out and why.
    var readable = Math.min(20000, Math.max(isError ? 8000 : 4000, 150 * String(message).length));
    toastTimer = setTimeout(function () { node.textContent = ""; }, readable);
  }

  $("toast").addEventListener("click", function () {
    clearTimeout(toastTimer);
    $("toast").textContent = "";
  });

  function channelName(channel) {
    return CHANNEL_NAMES[channel] || channel;
  }

  /** What a promote or an out-of-scope listing did to the knowledge base, in words: also why a reload did not happen (each problem in Chinese). */
  /** The phrasings an action left out, each with the reason, e.g. （未加入：“…”——含有已遮蔽的个人信息）. */
  function skippedText(r) {
    if (!r.skipped || !r.skipped.length) return "";
    return "（未加入：" + r.skipped.map(function (s) { return "“" + s.text + "”——" + s.why; }).join("；") + "）";
  }

  function reloadText(r) {
    var removed = r.removedOutOfScope && r.removedOutOfScope.length ? "，并从不在问答范围示例（out-of-scope.md）中删除了 " + r.removedOutOfScope.map(function (t) { return "“" + t + "”"; }).join("、") : "";
    if (!r.reload) return removed + "；机器人未在运行，下次启动时生效";
    if (r.reload.ok) return removed + "；知识库已重新加载，立即生效";
    return removed + "；但知识库没有重新加载：知识库中有错误（" + (r.reload.problems.join("；") || r.reload.message) + "），机器人仍按之前的版本回答，改正后会自动加载";
  }

  /** A promote that out-of-scope examples contradict asks once, then goes ahead with removeOutOfScope. */
  function promoteWithConfirmation(groupId, body) {
    return api("/api/admin/groups/" + groupId + "/promote", { method: "POST", body: body }).catch(function (error) {
      if (!error.needsConfirmation || !window.confirm(error.message)) throw error;
      return api("/api/admin/groups/" + groupId + "/promote", { method: "POST", body: Object.assign({}, body, { removeOutOfScope: true }) });
    });
  }

  function formatTime(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    function two(n) { return String(n).padStart(2, "0"); }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " + two(d.getHours()) + ":" + two(d.getMinutes());
  }

  /** Each cell gets its column's heading as data-label: on a phone the rows are shown as cards, label beside value. */
  function labelRows(tbody) {
    var heads = Array.prototype.map.call(tbody.closest("table").querySelectorAll("thead th"), function (th) { return th.textContent; });
    tbody.querySelectorAll("tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) { cell.dataset.label = heads[index] || ""; });
    });
  }

  function percent(rate) {
    return rate === null || rate === undefined ? "—" : (rate * 100).toFixed(1) + "%";
  }

  function localMonth() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0");
  }

  /** JSON API call; POST carries the session's CSRF token. 401 shows the sign-in form. */
  function api(path, options) {
    options = options || {};
    var init = { method: options.method || "GET", headers: {}, credentials: "same-origin" };
    if (options.body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(options.body);
    }
    if (init.method !== "GET" && csrfToken) init.headers["x-csrf-token"] = csrfToken;
    return fetch(path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 401 && path !== "/api/admin/login") showLogin();
        if (!response.ok) {
          var error = new Error(data.error || "请求失败（" + response.status + "）");
          error.status = response.status;
          error.needsConfirmation = data.needsConfirmation === true;
          throw error;
        }
        return data;
      });
    });
  }

  // ---- sign-in ----

  function showLogin() {
    csrfToken = null;
    $("notices").hidden = true;
    $("admin-nav").hidden = true;
    document.querySelectorAll(".view").forEach(function (v) { v.hidden = true; });
    $("login-view").hidden = false;
    $("token").focus();
  }

  function signedIn(token) {
    csrfToken = token;
    $("login-view").hidden = true;
    $("admin-nav").hidden = false;
    loadFaqs().finally(function () {
      show(location.hash.replace("#", "") || "queue");
    });
  }

  $("login-form").addEventListener("submit", function (event) {
    event.preventDefault();
    $("login-error").textContent = "";
    api("/api/admin/login", { method: "POST", body: { token: $("token").value } })
      .then(function (data) {
        $("token").value = "";
        signedIn(data.csrfToken);
      })
      .catch(function (error) {
        $("login-error").textContent = error.message;
      });
  });

  $("logout").addEventListener("click", function () {
    api("/api/admin/logout", { method: "POST", body: {} }).finally(showLogin);
  });

  // ---- navigation ----

  /** What staff must know about the bot's state (a broken knowledge edit, a data file moved aside): on every view. */
  function loadNotices() {
    return api("/api/admin/notices")
      .then(function (data) {
        var box = $("notices");
        box.replaceChildren();
        data.notices.forEach(function (text) { box.appendChild(make("p", "notice", text)); });
        box.hidden = data.notices.length === 0;
      })
      .catch(function () { /* the view's own request reports trouble */ });
  }

  function show(view) {
    if (["queue", "dashboard", "knowledge"].indexOf(view) < 0) view = "queue";
    loadNotices();
    document.querySelectorAll(".view").forEach(function (v) { v.hidden = v.id !== "view-" + view; });
    document.querySelectorAll(".tab").forEach(function (tab) {
      if (tab.dataset.view === view) tab.setAttribute("aria-current", "page");
      else tab.removeAttribute("aria-current");
    });
    if (location.hash !== "#" + view) history.replaceState(null, "", "#" + view);
    if (view === "queue") loadGroups();
    if (view === "dashboard") loadDashboard();
    if (view === "knowledge") renderFaqs();
  }

  document.querySelectorAll(".tab").forEach(function (tab) {
    tab.addEventListener("click", function () { show(tab.dataset.view); });
  });

  // ---- queue ----

  function loadFaqs() {
    return api("/api/admin/faqs").then(function (data) {
      faqs = data.faqs;
      $("model-summary").textContent = modelSummary(data.model);
    });
  }

  // knowledge/model.json: what the engine learned from this knowledge base, and when.
  function modelSummary(model) {
    if (!model) return "回答模型：尚未拟合";
    var o = model.fittedOn;
    var parts = [o.alternatesHeldOut + " 条留出的其他问法", o.entriesHeldOut + " 条留出问答的问法（应不作答）", o.outOfScopeHeldOut + " 条不在问答范围的例子"];
    if (o.rewrites) parts.push(o.rewrites + " 条改写的问题");
    if (o.labelled) parts.push(o.labelled.questions + " 条工作人员标注的问题（" + o.labelled.file + "）");
    var kind = model.answerModel === "trees" ? "（梯度提升树）" : "";
    return "回答模型" + kind + "：" + new Date(model.fittedAt).toLocaleString("zh-CN") + " 根据本知识库拟合，依据 " + parts.join("、") + "。知识库修改后会在后台重新拟合。";
  }

  function loadGroups() {
    var params = new URLSearchParams();
    params.set("status", $("filter-status").value);
    if ($("filter-since").value) params.set("since", $("filter-since").value);
    if ($("filter-until").value) params.set("until", $("filter-until").value);
    return api("/api/admin/groups?" + params.toString())
      .then(function (data) {
        var list = $("group-list");
        // An open card keeps its panel, and the reply or entry being written in it, when the list is drawn again.
        var openPanels = {};
        list.querySelectorAll(".group-card").forEach(function (card) {
          var panel = card.querySelector(".group-panel");
          if (panel && !panel.hidden) openPanels[card.dataset.groupId] = panel;
        });
        list.replaceChildren();
        data.groups.forEach(function (group) { list.appendChild(groupCard(group, openPanels[group.id])); });
        $("queue-summary").textContent = "共 " + data.groups.length + " 组问题";
      })
      .catch(function (error) { toast(error.message, true); });
  }

  $("queue-filter").addEventListener("submit", function (event) {
    event.preventDefault();
    loadGroups();
  });

  function guessesText(guesses) {
    return guesses.map(function (g) { return (g.question || g.faqId) + "（" + g.faqId + "，" + g.score + "）"; }).join("；");
  }

  /** `keptPanel`: the card's panel as it was open before the list was drawn again (kept as it is, not reloaded). */
  function groupCard(group, keptPanel) {
    var li = make("li", "group-card");
    li.dataset.groupId = group.id;
    var head = make("div", "group-head");
    head.appendChild(make("h3", "group-question", group.representative));
    head.appendChild(make("span", "badge badge-" + group.status, STATUS_NAMES[group.status] || group.status));
    li.appendChild(head);

    var reasons = Object.keys(group.reasons).map(function (r) { return (REASON_NAMES[r] || r) + " " + group.reasons[r]; }).join("，");
    var meta = make("p", "group-meta", group.id + " · 共 " + group.count + " 次 · 渠道：" + group.channels.map(channelName).join("、") + " · " + reasons + " · 最近 " + formatTime(group.lastAskedAt));
    li.appendChild(meta);
    if (group.bestGuesses.length) li.appendChild(make("p", "group-guesses", "机器人的猜测：" + guessesText(group.bestGuesses)));
    if (group.reply) li.appendChild(make("p", "group-reply", "已答复：" + group.reply.text));
    if (group.promotedTo) li.appendChild(make("p", "group-reply", "已加入问答：" + group.promotedTo));
    if (group.dismissReason) li.appendChild(make("p", "group-reply", "忽略原因：" + group.dismissReason));

    var toggle = make("button", "toggle", "查看与处理");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    var panel = keptPanel || make("div", "group-panel");
    panel.hidden = !keptPanel;
    panel.id = "panel-" + group.id;
    toggle.setAttribute("aria-controls", panel.id);
    if (keptPanel) {
      toggle.setAttribute("aria-expanded", "true");
      toggle.textContent = "收起";
    }
    toggle.addEventListener("click", function () {
      var open = panel.hidden;
      panel.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = open ? "收起" : "查看与处理";
      if (open) loadGroupDetails(group.id, panel);
    });
    li.appendChild(toggle);
    li.appendChild(panel);
    return li;
  }

  function loadGroupDetails(groupId, panel) {
    panel.replaceChildren(make("p", "summary", "加载中…"));
    api("/api/admin/groups/" + encodeURIComponent(groupId))
      .then(function (data) { renderGroupPanel(data, panel); })
      .catch(function (error) { panel.replaceChildren(make("p", "error", error.message)); });
  }

  function actionForm(title, fields, submitText, onSubmit) {
    var form = make("form", "action-form");
    form.appendChild(make("h4", null, title));
    fields.forEach(function (f) { form.appendChild(f); });
    var button = make("button", null, submitText);
    button.type = "submit";
    form.appendChild(button);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      Promise.resolve(onSubmit()).finally(function () { button.disabled = false; });
    });
    return form;
  }

  function renderGroupPanel(data, panel) {
    var group = data.group;
    panel.replaceChildren();

    panel.appendChild(make("h4", null, "不同问法（" + group.variants.length + "）"));
    var variants = make("ul", "variants");
    group.variants.forEach(function (v) { variants.appendChild(make("li", null, v)); });
    panel.appendChild(variants);

    panel.appendChild(make("h4", null, "提问记录"));
    var table = make("table", "data-table");
    var head = make("tr");
    ["时间", "渠道", "原因", "问题"].forEach(function (h) {
      var th = make("th", null, h);
      th.scope = "col";
      head.appendChild(th);
    });
    var thead = make("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var body = make("tbody");
    data.entries.forEach(function (entry) {
      var row = make("tr");
      [formatTime(entry.askedAt), channelName(entry.channel), REASON_NAMES[entry.reason] || entry.reason, entry.text].forEach(function (cell) { row.appendChild(make("td", null, cell)); });
      body.appendChild(row);
    });
    table.appendChild(body);
    panel.appendChild(table);
    labelRows(body);
    if (data.pending) panel.appendChild(make("p", "summary", data.pending + " 条答复等待送达"));

    var result = make("p", "action-result");
    result.setAttribute("role", "status");

    var done = function (message) {
      toast(message);
      result.textContent = message;
      loadFaqs();
      loadGroups();
      loadNotices();
    };
    var failed = function (error) {
      result.textContent = error.message;
      result.classList.add("error");
    };

    // Reply: delivered through the outbox to everyone in the group who can still be reached.
    var replyText = make("textarea");
    replyText.name = "reply";
    replyText.rows = 4;
    replyText.required = true;
    if (group.reply) replyText.value = group.reply.text;
    panel.appendChild(
      actionForm("答复提问人", [field("答复内容（将发送给本组所有可联系的提问人）", replyText)], "发送答复", function () {
        return api("/api/admin/groups/" + group.id + "/reply", { method: "POST", body: { text: replyText.value } })
          .then(function (r) { done("已答复 " + group.id + "，" + r.queued + " 条消息待送达"); })
          .catch(failed);
      }),
    );

    // Promote: a new FAQ from this group.
    var faqId = make("input");
    faqId.name = "faqId";
    faqId.placeholder = "例如 talent-apartment";
    // Chromium compiles `pattern` with the v flag, where a bare "-" at the end of a class is invalid.
    faqId.pattern = "[a-z0-9\\-]+";
    faqId.title = "只能用小写字母、数字和 -，例如 talent-apartment";
    // The browser's own message would be in the browser's language: say it in the console's.
    faqId.addEventListener("input", function () {
      faqId.setCustomValidity(faqId.validity.patternMismatch ? "问答编号只能用小写字母、数字和 -，例如 talent-apartment" : "");
    });
    var question = make("input");
    question.name = "question";
    question.value = group.representative;
    var answer = make("textarea");
    answer.name = "answer";
    answer.rows = 4;
    answer.placeholder = "留空则使用上面的答复";
    panel.appendChild(
      actionForm("加入知识库：新建问答", [field("问答编号（小写字母、数字和 -）", faqId), field("标准问题", question), field("答案", answer)], "新建问答", function () {
        return promoteWithConfirmation(group.id, { faqId: faqId.value, question: question.value, answer: answer.value })
          .then(function (r) { done("已新建问答 " + r.faqId + reloadText(r)); })
          .catch(failed);
      }),
    );

    // Alternates: the group's questions become other phrasings of an existing FAQ.
    var target = make("select");
    target.name = "to";
    var guessed = group.bestGuesses[0] && group.bestGuesses[0].faqId;
    faqs.forEach(function (f) {
      var option = make("option", null, f.id + " — " + f.question);
      option.value = f.id;
      if (f.id === guessed) option.selected = true;
      target.appendChild(option);
    });
    panel.appendChild(
      actionForm("加入知识库：作为已有问答的其他问法", [field("已有问答", target)], "添加问法", function () {
        return promoteWithConfirmation(group.id, { to: target.value })
          .then(function (r) { done("已向 " + r.faqId + " 添加 " + r.alternates.length + " 个问法" + skippedText(r) + reloadText(r)); })
          .catch(failed);
      }),
    );

    // Out of scope: the bot learns that questions like these get no FAQ answer (knowledge/out-of-scope.md).
    var subject = make("input");
    subject.name = "subject";
    subject.required = true;
    subject.placeholder = "例如：租房补贴";
    panel.appendChild(
      actionForm("不在问答范围：列为不受理问题示例", [field("主题", subject)], "列为不在范围", function () {
        return api("/api/admin/groups/" + group.id + "/out-of-scope", { method: "POST", body: { subject: subject.value } })
          .then(function (r) { done("已将 " + r.added.length + " 个问法列入“" + r.subject + "”" + skippedText(r) + "，此组已忽略" + (r.reload ? reloadText(r) : "")); })
          .catch(failed);
      }),
    );

    var reason = make("input");
    reason.name = "reason";
    reason.required = true;
    reason.placeholder = "例如：与人才政策无关";
    panel.appendChild(
      actionForm("忽略", [field("忽略原因", reason)], "忽略此组", function () {
        return api("/api/admin/groups/" + group.id + "/dismiss", { method: "POST", body: { reason: reason.value } })
          .then(function () { done("已忽略 " + group.id); })
          .catch(failed);
      }),
    );
    panel.appendChild(result);
  }

  // ---- dashboard ----

  function card(label, value) {
    var node = make("div", "card");
    node.appendChild(make("span", "card-value", value));
    node.appendChild(make("span", "card-label", label));
    return node;
  }

  function chart(id, config) {
    if (charts[id]) charts[id].destroy();
    if (typeof window.Chart !== "function") return;
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    config.data.datasets.forEach(function (set) { set.maxBarThickness = 28; });
    charts[id] = new window.Chart($(id), config);
  }

  /**
   * A horizontal bar chart of questions. On a phone the labels are the ranks (1, 2, …, as in the
   * table below) and the question shows on touch: long labels would leave the bars no room.
   */
  function rankedBars(questions, values, label, color, maxChars) {
    var narrow = window.innerWidth < 600;
    return {
      type: "bar",
      data: {
        labels: questions.map(function (q, i) { return narrow ? String(i + 1) : shorten(q, maxChars); }),
        datasets: [{ label: label, data: values, backgroundColor: color }],
      },
      options: {
        indexAxis: "y",
        plugins: { legend: { display: false }, tooltip: { callbacks: { title: function (items) { return items.length ? questions[items[0].dataIndex] : ""; } } } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    };
  }

  function shorten(text, max) {
    return text.length > max ? text.slice(0, max) + "…" : text;
  }

  function loadDashboard() {
    var month = $("dashboard-month").value || localMonth();
    $("dashboard-month").value = month;
    $("csv-link").href = "/api/admin/report.csv?month=" + encodeURIComponent(month);
    $("csv-link").setAttribute("download", "talentbot-" + month + ".csv");
    return api("/api/admin/dashboard?month=" + encodeURIComponent(month))
      .then(function (report) {
        var t = report.total;
        $("dashboard-cards").replaceChildren(
          card("消息数", t.questions),
          card("回答率", percent(report.rates.answered)),
          card("建议率", percent(report.rates.suggested)),
          card("转交工作人员", percent(report.rates.logged)),
          card("转人工", t.human),
          card("反馈无帮助", t.unhelpful),
        );
        var days = report.days;
        chart("chart-days", {
          type: "bar",
          data: {
            labels: days.map(function (d) { return d.date.slice(8); }),
            datasets: [
              { label: "已回答", data: days.map(function (d) { return d.answered; }), backgroundColor: "#2e7d32" },
              { label: "给出建议", data: days.map(function (d) { return d.suggested; }), backgroundColor: "#f9a825" },
              { label: "摘录/未能回答", data: days.map(function (d) { return d.excerpt + d.unanswered; }), backgroundColor: "#c62828" },
              { label: "闲聊", data: days.map(function (d) { return d.smalltalk; }), backgroundColor: "#90a4ae" },
            ],
          },
          options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
        });
        chart("chart-rates", {
          type: "doughnut",
          data: {
            labels: ["已回答", "给出建议", "转交工作人员"],
            datasets: [{ data: [t.answered, t.suggested, t.excerpt + t.unanswered], backgroundColor: ["#2e7d32", "#f9a825", "#c62828"] }],
          },
        });
        chart("chart-faqs", rankedBars(report.topFaqs.map(function (f) { return f.question || f.faqId; }), report.topFaqs.map(function (f) { return f.hits; }), "命中次数", "#1565c0", 14));
        chart("chart-groups", rankedBars(report.topOpenGroups.map(function (g) { return g.representative; }), report.topOpenGroups.map(function (g) { return g.askedThisMonth; }), "本月提问次数", "#6a1b9a", 18));

        var faqRows = $("top-faqs");
        faqRows.replaceChildren();
        report.topFaqs.forEach(function (f) {
          var row = make("tr");
          [f.faqId, f.question || "", f.hits].forEach(function (c) { row.appendChild(make("td", null, c)); });
          faqRows.appendChild(row);
        });
        labelRows(faqRows);
        var groupRows = $("top-groups");
        groupRows.replaceChildren();
        report.topOpenGroups.forEach(function (g) {
          var row = make("tr");
          [g.groupId, g.representative, g.askedThisMonth, g.totalCount].forEach(function (c) { row.appendChild(make("td", null, c)); });
          groupRows.appendChild(row);
        });
        labelRows(groupRows);
        return loadEligibility();
      })
      .then(function () {
        document.body.dataset.dashboard = month;
      })
      .catch(function (error) { toast(error.message, true); });
  }

  /** How often each benefit of the eligibility check was decided and applied (counts only). */
  function loadEligibility() {
    return api("/api/admin/eligibility").then(function (data) {
      $("eligibility-summary").textContent = data.enabled ? "已完成 " + data.checks + " 次计算。" : "知识库中没有 eligibility/ 文件夹，政策计算器未启用。";
      var rows = $("eligibility-rows");
      rows.replaceChildren();
      data.benefits.forEach(function (b) {
        var row = make("tr");
        row.dataset.benefit = b.id;
        [b.id, b.title, b.source.doc + (b.source.article ? " " + b.source.article : ""), b.checked, b.applies].forEach(function (c) { row.appendChild(make("td", null, c)); });
        rows.appendChild(row);
      });
      labelRows(rows);
    });
  }

  $("dashboard-filter").addEventListener("submit", function (event) {
    event.preventDefault();
    loadDashboard();
  });

  // The ranked charts label bars by rank on a phone and by question on a wide screen: draw them
  // again when the window crosses that width (a rotated tablet, a resized window).
  var wasNarrow = window.innerWidth < 600;
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      var narrow = window.innerWidth < 600;
      if (narrow === wasNarrow) return;
      wasNarrow = narrow;
      if (!$("view-dashboard").hidden) loadDashboard();
    }, 150);
  });

  // ---- knowledge ----

  function renderFaqs() {
    var filter = $("faq-filter").value.trim().toLowerCase();
    var rows = $("faq-rows");
    rows.replaceChildren();
    var shown = faqs.filter(function (f) { return !filter || f.id.toLowerCase().indexOf(filter) >= 0 || f.question.toLowerCase().indexOf(filter) >= 0; });
    shown.forEach(function (f) {
      var row = make("tr");
      var source = f.source ? f.source.doc + (f.source.article ? "#" + f.source.article : "") : "";
      [f.id, f.question, f.alternates, f.hits, source, f.updated || ""].forEach(function (c) { row.appendChild(make("td", null, c)); });
      rows.appendChild(row);
    });
    labelRows(rows);
    $("faq-summary").textContent = "共 " + faqs.length + " 条问答" + (filter ? "，显示 " + shown.length + " 条" : "");
  }

  $("faq-filter").addEventListener("input", renderFaqs);

  $("hit-test-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("hit-test-input").value;
    if (!text.trim()) return;
    var out = $("hit-test-result");
    api("/api/admin/hit-test", { method: "POST", body: { text: text } })
      .then(function (r) {
        out.replaceChildren();
        var summary = make("p", "hit-summary");
        summary.appendChild(make("strong", "hit-status", ANSWER_STATUS[r.status] || r.status));
        summary.appendChild(document.createTextNode((r.faqId ? " · 问答 " + r.faqId : "") + " · 得分 " + r.score + " · 置信度 " + r.confidence));
        out.appendChild(summary);
        if (r.chatCommand) out.appendChild(make("p", "hit-command", "注意：在聊天中这是“" + r.chatCommand + "”，机器人不会按问题回答；下面只是检索引擎对这段文字的看法。"));
        if (r.suggestions.length) {
          out.appendChild(make("p", null, "候选问答："));
          var list = make("ol", "candidates");
          r.suggestions.forEach(function (s) { list.appendChild(make("li", null, s.question + "（" + s.faqId + "，得分 " + s.score + "）")); });
          out.appendChild(list);
        }
        if (r.outOfScope) out.appendChild(make("p", null, "最相近的不在范围示例：" + r.outOfScope.example + "（得分 " + r.outOfScope.score + "）"));
        out.appendChild(make("pre", "hit-answer", r.text));
      })
      .catch(function (error) { out.replaceChildren(make("p", "error", error.message)); });
  });

  // ---- start ----

  window.addEventListener("hashchange", function () {
    if (csrfToken) show(location.hash.replace("#", ""));
  });

  api("/api/admin/session")
    .then(function (data) { signedIn(data.csrfToken); })
    .catch(function () { showLogin(); })
    .finally(function () { document.body.dataset.ready = "true"; });
})();
