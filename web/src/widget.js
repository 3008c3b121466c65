/*
 * Medway SEND assistant: the chat widget a council page adds with one script tag.
 *
 *   <script src="medway-chat.js" defer
 *           data-server="https://assistant.example.gov.uk"
 *           data-title="Ask about SEND"
 *           data-privacy-url="/privacy"></script>
 *
 * It talks to Rasa's REST channel, keeps the conversation for this tab (sessionStorage),
 * renders every message as text (never HTML), and keeps an unsent message when the
 * connection drops, retrying politely. A new reply opens at its first line; phone numbers
 * in replies can be tapped to call. No third-party code, no tracking.
 */
(function () {
  "use strict";

  var MAX_CHARS = 2000;
  var STORE = "medway-send-chat";
  var RETRY_MS = [2000, 4000, 8000, 15000];
  var script = document.currentScript;
  var config = {
    server: (script && script.dataset.server) || "http://localhost:5005",
    title: (script && script.dataset.title) || "Ask about SEND",
    privacyUrl: (script && script.dataset.privacyUrl) || "#",
  };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function loadState() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE) || "null");
      if (saved && saved.sender) return saved;
    } catch (e) { /* unreadable storage: start afresh */ }
    var id = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
    return { sender: "web-" + id, messages: [], open: false, pending: null };
  }

  var state = loadState();
  function save() {
    try { sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* storage full or off */ }
  }

  // Links: only http(s), tel: and mailto:, shown as text and opened safely.
  var LINK = /(https?:\/\/[^\s<>"')\]]+[^\s<>"')\].,;:!?]|tel:[+\d ]+\d|mailto:[^\s<>"']+)/g;
  // UK phone numbers written in a reply (999, 111, 116 123, 0808 800 5000, 01634 334 466, 0800 1111):
  // digits in groups split by single spaces. phoneHref decides, and builds the link from the digits only.
  var PHONE = /\b(?:999|111|112|116 ?\d{3}|0\d{2,4}(?: ?\d{2,4}){1,3})\b/g;
  var SHORT_NUMBER = /^(?:999|111|112|116\d{3})$/;
  var LONG_NUMBER = /^(?:0[1-9]\d{8,9}|080[08]\d{4,6})$/;
  function phoneHref(written, before, after) {
    // Not part of a bigger number, a price, a version or a reference: "£999", "1,111", "3.111", "A0163...".
    if (/[\w£$€.,\/+#:-]$/.test(before) || /^(?:[.,]\d|[\w%\/-])/.test(after)) return null;
    var digits = written.replace(/ /g, "");
    if (!/^\d+$/.test(digits)) return null;
    return SHORT_NUMBER.test(digits) || LONG_NUMBER.test(digits) ? "tel:" + digits : null;
  }
  function appendText(fragment, text, phones) {
    var last = 0;
    if (phones) {
      text.replace(PHONE, function (match, offset) {
        var href = phoneHref(match, text.slice(0, offset), text.slice(offset + match.length));
        if (!href) return match;
        if (offset > last) fragment.appendChild(document.createTextNode(text.slice(last, offset)));
        fragment.appendChild(el("a", { href: href, className: "msc-tel", text: match }));
        last = offset + match.length;
        return match;
      });
    }
    if (last < text.length) fragment.appendChild(document.createTextNode(text.slice(last)));
  }
  function renderText(text, phones) {
    var fragment = document.createDocumentFragment();
    String(text).split(/\n/).forEach(function (line, index) {
      if (index > 0) fragment.appendChild(document.createElement("br"));
      var last = 0;
      line.replace(LINK, function (match, _group, offset) {
        if (offset > last) appendText(fragment, line.slice(last, offset), phones);
        var a = el("a", { href: match, text: match.replace(/^(tel:|mailto:)/, "") });
        if (/^https?:/.test(match)) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
        fragment.appendChild(a);
        last = offset + match.length;
        return match;
      });
      if (last < line.length) appendText(fragment, line.slice(last), phones);
    });
    return fragment;
  }

  // ---- the page elements ---------------------------------------------------------------
  var root = el("div", { className: "msc", "data-medway-chat": "" });
  var launcher = el("button", { type: "button", className: "msc-launcher", "aria-expanded": "false",
                                "aria-controls": "msc-panel", text: config.title });
  var heading = el("h2", { className: "msc-title", id: "msc-title", text: config.title, tabindex: "-1" });
  var closeButton = el("button", { type: "button", className: "msc-close", text: "Close", "aria-label": "Close chat" });
  var privacyText = document.createTextNode("");
  var privacyLink = el("a", { href: config.privacyUrl });
  // Always in view, whatever the assistant understood: a safety net for a message in danger that it
  // did not recognise. National numbers only; a reply about danger gives the local ones.
  var urgent = el("span", { className: "msc-urgent" }, [
    document.createTextNode("In danger now? Call "), el("a", { href: "tel:999", text: "999" }),
    document.createTextNode(". Urgent health help: "), el("a", { href: "tel:111", text: "111" }),
    document.createTextNode(".")]);
  var privacy = el("p", { className: "msc-privacy" }, [urgent, privacyText, privacyLink]);
  function updateStarted() {
    // The full notice until the first question; then a one-line reminder and a compact layout
    // (the "msc-started" class), leaving the conversation most of a phone's screen.
    var asked = state.messages.some(function (m) { return m.from === "user"; });
    privacyText.textContent = asked ? "Don't share personal details. "
      : "This is an automated assistant. Please do not share personal details such as names, addresses or dates of birth. The conversation is stored to improve the service. ";
    privacyLink.textContent = asked ? "Privacy notice" : "How we use your information";
    panel.classList.toggle("msc-started", asked);
  }
  var log = el("div", { className: "msc-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
                       "aria-label": "Conversation" });
  var status = el("p", { className: "msc-status", role: "status" });
  var notice = el("p", { className: "msc-notice", hidden: "" });
  var label = el("label", { className: "msc-label", for: "msc-input", text: "Your question" });
  var hint = el("p", { className: "msc-hint", id: "msc-hint", text: "You can type up to " + MAX_CHARS.toLocaleString("en-GB") + " characters." });
  // Shown after "Not helpful" then "Ask in other words", until the question is sent.
  var rephraseHint = el("p", { className: "msc-rephrase", id: "msc-rephrase", hidden: "",
    text: "Type your question again in other words. It helps to name what you are asking about (for example an EHC plan or school transport) and your child's age or school year." });
  var input = el("textarea", { id: "msc-input", className: "msc-input", rows: "3", "aria-describedby": "msc-hint msc-count" });
  var count = el("p", { className: "msc-count", id: "msc-count", "aria-live": "polite" });
  var send = el("button", { type: "submit", className: "msc-send", text: "Send" });
  var restart = el("button", { type: "button", className: "msc-secondary msc-restart", text: "Start again" });
  var person = el("button", { type: "button", className: "msc-secondary msc-person", text: "Talk to a person" });
  var form = el("form", { className: "msc-form", novalidate: "" }, [label, hint, rephraseHint, input, count,
    el("div", { className: "msc-actions" }, [send, person, restart])]);
  var panel = el("section", { id: "msc-panel", className: "msc-panel", "aria-labelledby": "msc-title", hidden: "" }, [
    el("div", { className: "msc-header" }, [heading, closeButton]), privacy, log, status, notice, form]);
  root.appendChild(launcher);
  root.appendChild(panel);

  // ---- rendering ---------------------------------------------------------------------
  function addMessage(message, persist) {
    var item = el("div", { className: "msc-msg msc-" + message.from });
    item.appendChild(el("span", { className: "msc-visually-hidden", text: message.from === "user" ? "You said: " : "Assistant: " }));
    if (message.text) item.appendChild(renderText(message.text, message.from === "bot"));
    if (message.cards) item.appendChild(renderCards(message.cards, message.firstNumber || 1));
    if (message.buttons && message.buttons.length) {
      var group = el("div", { className: "msc-quick", role: "group", "aria-label": "Suggested replies" });
      message.buttons.forEach(function (button) {
        var b = el("button", { type: "button", className: "msc-reply", text: button.title });
        b.addEventListener("click", function () { choose(button); });
        group.appendChild(b);
      });
      item.appendChild(group);
    }
    if (message.feedback) item.appendChild(feedbackControl(message));
    log.appendChild(item);
    if (persist) { state.messages.push(message); save(); updateStarted(); }
    return item;
  }

  // A suggested reply. Two are the widget's own: "Start again" does what the form's button does,
  // and "Ask in other words" (offered after "not helpful") puts the cursor back in the question box.
  function choose(button) {
    if (button.payload === "/restart") return startAgain();
    if (button.payload === "/rephrase") return askAgain();
    submit(button.payload, button.title);
  }

  function askAgain() {
    rephraseHint.hidden = false;
    input.setAttribute("aria-describedby", "msc-rephrase msc-hint msc-count");
    input.focus();
  }

  function rephraseDone() {
    rephraseHint.hidden = true;
    input.setAttribute("aria-describedby", "msc-hint msc-count");
  }

  // Directory results: a numbered list of GOV.UK-style summary cards, every field as text.
  function renderCards(cards, firstNumber) {
    var list = el("ol", { className: "msc-cards", start: String(firstNumber), "aria-label": "Services found" });
    cards.forEach(function (card) {
      var title = el("p", { className: "msc-card-title" }, [el("strong", { text: card.name })]);
      var tags = el("p", { className: "msc-card-tags" });
      if (card.free) tags.appendChild(el("span", { className: "msc-tag msc-tag-free", text: "Free" }));
      if (card.sample) tags.appendChild(el("span", { className: "msc-tag msc-tag-sample", text: "Sample data: not a real service" }));
      var facts = el("dl", { className: "msc-card-facts" });
      function fact(label, value) {
        if (!value) return;
        facts.appendChild(el("dt", { text: label }));
        facts.appendChild(el("dd", { text: value }));
      }
      fact("Ages", card.ages);
      fact("Cost", card.cost);
      fact("Where", card.where);
      fact("Opening times", card.opening_times);
      fact("How to get it", card.how_to_access);
      var contact = el("p", { className: "msc-card-contact" });
      if (card.phone) contact.appendChild(el("a", { href: "tel:" + card.phone.replace(/[^\d+]/g, ""), text: card.phone }));
      if (card.email) contact.appendChild(el("a", { href: "mailto:" + card.email, text: card.email }));
      if (card.url && /^https?:\/\//.test(card.url)) {
        var site = el("a", { href: card.url, text: "Website", target: "_blank", rel: "noopener noreferrer" });
        site.appendChild(el("span", { className: "msc-visually-hidden", text: " of " + card.name + " (opens in a new tab)" }));
        contact.appendChild(site);
      }
      var item = el("li", { className: "msc-card" }, [title, tags.childNodes.length ? tags : null,
        el("p", { text: card.summary }), facts, contact.childNodes.length ? contact : null,
        card.last_updated ? el("p", { className: "msc-card-updated", text: "Last updated " + card.last_updated }) : null]);
      list.appendChild(item);
    });
    return list;
  }

  function scrollToEnd() { log.scrollTop = log.scrollHeight; }

  // A reply opens at its first line (the first of its messages), not at its end: on a phone the
  // start of a long answer, such as the emergency numbers, would otherwise be off-screen.
  function scrollToTurn() {
    var first = log.children[state.turnStart || 0];
    if (!first || panel.hidden) return;
    var gap = parseFloat(getComputedStyle(log).paddingTop) || 0;
    log.scrollTop += first.getBoundingClientRect().top - log.getBoundingClientRect().top - gap;
  }

  function feedbackControl(message) {
    var box = el("div", { className: "msc-feedback", role: "group", "aria-label": "Was this answer helpful?" });
    if (message.feedbackGiven) {
      box.appendChild(el("p", { text: "Thank you for your feedback." }));
      return box;
    }
    box.appendChild(el("span", { text: "Was this helpful? " }));
    [["Yes", "/feedback_helpful"], ["No", "/feedback_not_helpful"]].forEach(function (choice) {
      var b = el("button", { type: "button", className: "msc-reply", text: choice[0] });
      b.addEventListener("click", function () {
        if (state.pending) { showNotice("Please wait: your last message has not been delivered yet."); return; }
        message.feedbackGiven = true; save();
        var thanks = el("p", { text: "Thank you for your feedback.", tabindex: "-1" });
        box.replaceChildren(thanks);
        thanks.focus();  // the button is gone: keep the keyboard's place here
        // "Yes" is only counted; "No" brings the assistant's offer of other words, a person or a volunteer.
        if (choice[1] === "/feedback_not_helpful") submit(choice[1], null);
        else post(choice[1]).catch(function () { /* feedback is best effort */ });
      });
      box.appendChild(b);
    });
    return box;
  }

  function updateCount() {
    var left = MAX_CHARS - input.value.length;
    count.textContent = left >= 0 ? "You have " + left + " characters remaining" : "You have " + (-left) + " characters too many";
    // msc-near: on a phone, once the conversation has started, the count shows from 1,500 characters on.
    count.className = "msc-count" + (left < 0 ? " msc-error" : "") + (left <= 500 ? " msc-near" : "");
  }

  // ---- talking to the server -----------------------------------------------------------
  // A message carries its own id. Sent again after a failed attempt (a dropped connection, or a 502
  // when the server behind the load balancer died), it says "resend": the server then answers it
  // from what it stored if the first attempt got through, so the parent never gets two answers.
  function post(message, messageId, resend) {
    var body = { sender: state.sender, message: message };
    if (messageId) { body.message_id = messageId; body.resend = !!resend; }
    return fetch(config.server.replace(/\/$/, "") + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (response.status >= 400 && response.status < 500) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          var error = new Error(body.message || "The assistant could not accept that message.");
          error.permanent = true;
          throw error;
        });
      }
      if (!response.ok) throw new Error("server " + response.status);
      return response.json();
    });
  }

  function showReplies(replies) {
    var last = null;
    var firstIndex = state.messages.length;
    // The assistant started again (a typed "start again" too): the view starts again with it.
    if (replies.some(function (r) { return r.custom && r.custom.restarted; })) {
      state.messages = []; save(); updateStarted();
      log.replaceChildren();
      rephraseDone();
      firstIndex = 0;
    }
    replies.forEach(function (reply) {
      // Directory results: one message, the cards with their plain-text copy for other clients as its text.
      if (reply.custom && reply.custom.service_cards) {
        var found = reply.custom.service_cards;
        addMessage({ from: "bot", text: "", buttons: [], cards: found.cards || [], firstNumber: found.first_number }, true);
        return;
      }
      if (reply.custom && reply.custom.feedback_for && last) {
        last.feedback = true;
        log.lastChild.appendChild(feedbackControl(last));
        save();
        return;
      }
      var message = { from: "bot", text: reply.text || "", buttons: reply.buttons || [] };
      if (!message.text && !message.buttons.length) return;
      addMessage(message, true);
      last = state.messages[state.messages.length - 1];
    });
    if (state.messages.length > firstIndex) {
      state.turnStart = firstIndex; save();
      scrollToTurn();
    }
  }

  var retryTimer = null;
  var generation = 0;  // goes up with "Start again": a late reply to the old conversation is dropped
  function deliver(attempt) {
    var pending = state.pending;
    if (!pending) return;
    var sentIn = generation;
    status.textContent = "The assistant is typing…";
    send.disabled = false;
    var resend = !!pending.tried;  // an earlier attempt, perhaps before a page reload, may have got through
    pending.tried = true; save();
    post(pending.payload, pending.id, resend).then(function (replies) {
      if (sentIn !== generation) return;
      state.pending = null; save();
      notice.hidden = true;
      status.textContent = "";
      showReplies(replies);
    }).catch(function (error) {
      if (sentIn !== generation) return;
      status.textContent = "";
      if (error.permanent) {
        state.pending = null; save();
        showNotice(error.message);
        return;
      }
      var wait = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)];
      showNotice("We can't reach the assistant at the moment. Your message is saved and we'll try again in " +
                 Math.round(wait / 1000) + " seconds.");
      retryTimer = setTimeout(function () { deliver(attempt + 1); }, wait);
    });
  }

  function showNotice(text) {
    notice.textContent = text;
    notice.hidden = false;
  }

  function submit(payload, shown) {
    if (state.pending) {
      showNotice("Please wait: your last message has not been delivered yet.");
      return false;
    }
    if (shown) { addMessage({ from: "user", text: shown }, true); scrollToEnd(); }
    state.sent = (state.sent || 0) + 1;
    state.pending = { payload: payload, id: state.sender + "." + state.sent };
    save();
    clearTimeout(retryTimer);
    deliver(0);
    return true;
  }

  // ---- events ----------------------------------------------------------------------------
  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    state.open = true; save();
    if (!state.messages.length && !state.pending) submit("/greet", null);
    scrollToTurn();
    input.focus();
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false; save();
    launcher.focus();
  }

  launcher.addEventListener("click", function () { panel.hidden ? open() : close(); });
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (event) { if (event.key === "Escape") close(); });
  input.addEventListener("input", updateCount);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { showNotice("Please type a question first."); input.focus(); return; }
    if (text.length > MAX_CHARS) {
      showNotice("Your message is " + text.length.toLocaleString("en-GB") + " characters long. Please shorten it to " +
        MAX_CHARS.toLocaleString("en-GB") + " characters or fewer, or send it in parts.");
      input.focus();
      return;
    }
    if (submit(text, text)) { input.value = ""; updateCount(); rephraseDone(); }
    input.focus();
  });

  // One "Start again", from the form's button or from a reply's: clear the view and send /restart
  // in the same conversation (same sender id), so the tracker store keeps one conversation per tab
  // with Rasa's restart event in it, and the assistant forgets the slots it had filled.
  function startAgain() {
    clearTimeout(retryTimer);
    generation += 1;
    state.messages = []; state.pending = null; state.turnStart = 0; save(); updateStarted();
    log.replaceChildren();
    notice.hidden = true;
    rephraseDone();
    submit("/restart", null);
    input.focus();
  }
  restart.addEventListener("click", startAgain);
  person.addEventListener("click", function () { submit("/human_handoff", "Talk to a person"); });

  function mount() {
    document.body.appendChild(root);
    state.messages.forEach(function (message) { addMessage(message, false); });
    updateCount();
    updateStarted();
    if (state.open) { panel.hidden = false; launcher.setAttribute("aria-expanded", "true"); scrollToTurn(); }
    if (state.pending) deliver(0);
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
