// The chat page: plain DOM and the browser build of socket.io-client (the global `io`).
// Add ?transport=polling to the page URL to stay on HTTP long-polling.
(() => {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const ui = {
    statusDot: $("status-dot"),
    statusText: $("status-text"),
    transport: $("transport"),
    me: $("me"),
    meNick: $("me-nick"),
    meAvatar: $("me-avatar"),
    rename: $("rename"),
    rooms: $("rooms"),
    newRoom: $("new-room"),
    newRoomName: $("new-room-name"),
    members: $("members"),
    membersCount: $("members-count"),
    roomTitle: $("room-title"),
    roomInfo: $("room-info"),
    messages: $("messages"),
    typing: $("typing"),
    error: $("error"),
    composer: $("composer"),
    text: $("text"),
    send: document.querySelector("#composer button"),
    welcome: $("welcome"),
    hello: $("hello"),
    nick: $("nick"),
    nickError: $("nick-error"),
  };

  const params = new URLSearchParams(location.search);
  const forcePolling = params.get("transport") === "polling";
  const socket = io({
    transports: forcePolling ? ["polling"] : ["polling", "websocket"],
    autoConnect: false,
  });

  const state = {
    nick: "",
    room: "",
    /** socket id → { nick, timer } of people typing in this room */
    typing: new Map(),
    amTyping: false,
    typingTimer: 0,
  };

  // ---- small helpers -------------------------------------------------------------------

  const el = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("aria-") || key === "role") node.setAttribute(key, value);
      else node[key] = value;
    }
    node.append(...children);
    return node;
  };

  /** A stable colour per nickname (FNV-1a hash of the name, as a hue). */
  const hue = (name) => {
    let h = 0x811c9dc5;
    for (const ch of name) {
      h ^= ch.codePointAt(0);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h % 360;
  };

  const avatar = (name, small = false) => {
    const node = el("span", { class: small ? "avatar small" : "avatar", "aria-hidden": "true" }, [...name][0]?.toUpperCase() ?? "?");
    node.style.setProperty("--hue", String(hue(name)));
    return node;
  };

  const time = (at) => new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

  const showError = (message) => {
    ui.error.textContent = message;
    ui.error.hidden = !message;
  };

  const scrollToEnd = () => {
    ui.messages.scrollTop = ui.messages.scrollHeight;
  };

  // ---- connection and transport indicator ----------------------------------------------

  const setStatus = (kind, text) => {
    ui.statusDot.dataset.state = kind;
    ui.statusText.textContent = text;
  };

  const setTransport = (name) => {
    ui.transport.textContent = name ?? "no transport";
    ui.transport.dataset.transport = name ?? "";
  };

  socket.on("connect", async () => {
    setStatus("online", "connected");
    setTransport(socket.io.engine.transport.name);
    setComposerEnabled(true);
    showError("");
    // After a reconnection the server knows nothing about us: introduce ourselves again.
    if (state.nick) {
      const ok = await hello(state.nick);
      if (ok) await joinRoom(state.room || "general");
    }
  });

  socket.io.on("open", () => {
    socket.io.engine.on("upgrade", (transport) => setTransport(transport.name));
  });

  socket.on("disconnect", (reason) => {
    setStatus("offline", reason === "io client disconnect" ? "offline" : "reconnecting…");
    setTransport(undefined);
    setComposerEnabled(false);
  });

  socket.on("connect_error", () => {
    setStatus("connecting", "cannot reach the server, retrying…");
  });

  const setComposerEnabled = (enabled) => {
    const usable = enabled && Boolean(state.room);
    ui.text.disabled = !usable;
    ui.send.disabled = !usable;
  };

  // ---- nickname --------------------------------------------------------------------------

  const hello = async (nick) => {
    const answer = await socket.timeout(5000).emitWithAck("hello", { nick }).catch(() => ({ ok: false, error: "The server did not answer." }));
    if (!answer.ok) {
      ui.nickError.textContent = answer.error;
      ui.nickError.hidden = false;
      if (!ui.welcome.open) ui.welcome.showModal();
      return false;
    }
    state.nick = answer.nick;
    localStorage.setItem("unio-chat-nick", state.nick);
    ui.meNick.textContent = state.nick;
    const badge = avatar(state.nick, true);
    ui.meAvatar.replaceWith(badge);
    ui.meAvatar = badge;
    ui.me.hidden = false;
    renderRooms(answer.rooms);
    return true;
  };

  ui.hello.addEventListener("submit", async (event) => {
    event.preventDefault();
    ui.nickError.hidden = true;
    const nick = ui.nick.value.trim();
    if (!socket.connected) {
      setStatus("connecting", "connecting…");
      socket.connect();
      await new Promise((resolve) => socket.once("connect", resolve));
      // The connect handler above says hello when a nick is known; here it is not yet.
    }
    if (await hello(nick)) {
      ui.welcome.close();
      if (!state.room) await joinRoom(location.hash.slice(1) || "general");
      ui.text.focus();
    }
  });

  ui.rename.addEventListener("click", () => {
    ui.nick.value = state.nick;
    ui.nickError.hidden = true;
    ui.welcome.showModal();
  });

  // ---- rooms -------------------------------------------------------------------------------

  const renderRooms = (rooms) => {
    ui.rooms.replaceChildren(
      ...rooms.map((room) =>
        el(
          "li",
          {},
          el(
            "button",
            {
              type: "button",
              "aria-current": String(room.name === state.room),
              "aria-label": `#${room.name}, ${room.online} online`,
              onclick: () => joinRoom(room.name),
            },
            el("span", {}, `#${room.name}`),
            el("span", { class: "online", "aria-hidden": "true" }, String(room.online)),
          ),
        ),
      ),
    );
  };

  const renderMembers = (members) => {
    ui.membersCount.textContent = `(${members.length})`;
    ui.members.replaceChildren(...members.map((nick) => el("li", {}, avatar(nick, true), el("span", { class: "name" }, nick === state.nick ? `${nick} (you)` : nick))));
    ui.roomInfo.textContent = members.length === 1 ? "Just you here" : `${members.length} people here`;
  };

  const joinRoom = async (name) => {
    const answer = await socket.timeout(5000).emitWithAck("room:join", { room: name }).catch(() => ({ ok: false, error: "The server did not answer." }));
    if (!answer.ok) {
      showError(answer.error);
      return false;
    }
    showError("");
    const switched = answer.room !== state.room;
    state.room = answer.room;
    history.replaceState(null, "", `${location.search}#${state.room}`);
    document.title = `#${state.room} · unio chat`;
    ui.roomTitle.textContent = `#${state.room}`;
    ui.text.placeholder = `Message #${state.room}`;
    for (const button of ui.rooms.querySelectorAll("button")) {
      button.setAttribute("aria-current", String(button.firstChild.textContent === `#${state.room}`));
    }
    if (switched) {
      state.typing.clear();
      renderTyping();
      ui.messages.replaceChildren();
      for (const message of answer.history) addMessage(message);
      if (answer.history.length === 0) ui.messages.append(el("li", { class: "empty" }, `This is the start of #${state.room}. Say hi!`));
    }
    renderMembers(answer.members);
    setComposerEnabled(socket.connected);
    return true;
  };

  ui.newRoom.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = ui.newRoomName.value.trim().toLowerCase();
    if (await joinRoom(name)) ui.newRoomName.value = "";
  });

  socket.on("room:list", renderRooms);
  socket.on("room:members", ({ room, members }) => {
    if (room === state.room) renderMembers(members);
  });

  // ---- messages ----------------------------------------------------------------------------

  const addMessage = (message, { mine = false, status } = {}) => {
    ui.messages.querySelector(".empty")?.remove();
    const meta = el("div", { class: "meta" }, el("strong", {}, mine ? "You" : message.nick), el("time", { dateTime: new Date(message.at).toISOString() }, time(message.at)));
    const node = el(
      "li",
      { class: mine ? "message mine" : "message", dataset: { id: message.id ?? "" } },
      avatar(message.nick),
      el("div", { class: "bubble" }, meta, el("p", { class: "text" }, message.text)),
    );
    if (status) {
      node.dataset.status = status;
      meta.append(el("span", { class: "status", role: "img", "aria-label": "sending" }, "…"));
    }
    ui.messages.append(node);
    scrollToEnd();
    return node;
  };

  const markStatus = (node, status) => {
    node.dataset.status = status;
    const badge = node.querySelector(".status");
    if (status === "delivered") {
      badge.textContent = "✓";
      badge.setAttribute("aria-label", "delivered");
    } else {
      badge.textContent = "!";
      badge.setAttribute("aria-label", "not delivered");
    }
  };

  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = ui.text.value.trim();
    if (!text) return;
    ui.text.value = "";
    stopTyping();
    const node = addMessage({ nick: state.nick, text, at: Date.now() }, { mine: true, status: "sending" });
    // The ack is the server's receipt: ✓ once it has the message and passed it on.
    socket.timeout(5000).emit("chat:send", { text }, (err, answer) => {
      if (err || !answer.ok) {
        markStatus(node, "failed");
        showError(err ? "Not delivered: the server did not answer in time." : answer.error);
        return;
      }
      node.dataset.id = answer.id;
      markStatus(node, "delivered");
    });
  });

  socket.on("chat:message", (message) => {
    if (message.room !== state.room) return;
    addMessage(message);
  });

  // ---- typing indicator --------------------------------------------------------------------

  const renderTyping = () => {
    const names = [...state.typing.values()].map((entry) => entry.nick);
    ui.typing.textContent =
      names.length === 0 ? "" : names.length === 1 ? `${names[0]} is typing…` : names.length === 2 ? `${names[0]} and ${names[1]} are typing…` : "Several people are typing…";
  };

  socket.on("typing", ({ id, nick, typing }) => {
    clearTimeout(state.typing.get(id)?.timer);
    if (typing) {
      // Forget a typist who went quiet without saying so (e.g. closed the tab).
      const timer = setTimeout(() => {
        state.typing.delete(id);
        renderTyping();
      }, 6000);
      state.typing.set(id, { nick, timer });
    } else {
      state.typing.delete(id);
    }
    renderTyping();
  });

  const stopTyping = () => {
    clearTimeout(state.typingTimer);
    if (state.amTyping) {
      state.amTyping = false;
      socket.emit("typing", false);
    }
  };

  ui.text.addEventListener("input", () => {
    if (!ui.text.value) return stopTyping();
    if (!state.amTyping) {
      state.amTyping = true;
      socket.emit("typing", true);
    }
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(stopTyping, 2000);
  });

  // ---- start -------------------------------------------------------------------------------

  setTransport(undefined);
  ui.nick.value = params.get("nick") ?? localStorage.getItem("unio-chat-nick") ?? "";
  ui.welcome.showModal();
})();
