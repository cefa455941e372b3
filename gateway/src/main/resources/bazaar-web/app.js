// Bazaar storefront: one module, no build step, no framework. Pages are rendered from the path
// (History API); every API call goes to the gateway on this origin with the HttpOnly session
// cookie, so no script ever sees the access token (docs/storefront.md).

const main = document.getElementById("main");
const flash = document.getElementById("flash");
const nav = document.getElementById("nav");

// ---------- small helpers ----------

/** Creates an element; text children are text nodes (never parsed as HTML). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const link = (href, text, attrs = {}) => h("a", { href, "data-link": true, ...attrs }, text);

export function money(m) {
  if (!m) return "";
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency: m.currency })
      .format(m.amount / 100);
  } catch {
    return (m.amount / 100).toFixed(2) + " " + m.currency;
  }
}

const when = (iso) => (iso ? new Date(iso).toLocaleString() : "");

/** An API error carrying the problem+json's readable parts. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `The request failed (${status}).`);
    this.status = status;
    this.problem = problem;
  }
}

/** Calls the API; problem+json answers become an ApiError with a readable message. */
export async function api(method, path, body, headers = {}) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json", ...headers } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, { title: "Network error", detail: "Bazaar could not be reached. Check your connection and try again." });
  }
  if (res.status === 204) return null;
  const type = res.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await res.json().catch(() => ({})) : {};
  if (!res.ok) {
    const problem = typeof data === "object" && data ? data : {};
    if (res.status === 401 && session && path !== "/api/v1/session") {
      session = null;
      renderNav();
      problem.detail = "Your session has ended. Please log in again.";
    }
    if (res.status === 429) {
      problem.detail = `Too many requests. Try again in ${res.headers.get("Retry-After") || "a few"} seconds.`;
    }
    throw new ApiError(res.status, problem);
  }
  data.__location = res.headers.get("Location");
  return data;
}

export function showError(e) {
  flash.className = "";
  flash.textContent = e instanceof ApiError ? e.message : "Something went wrong: " + e.message;
  if (e instanceof ApiError && e.problem.errors) {
    flash.textContent += " " + e.problem.errors.map((x) => x.message || x.detail || JSON.stringify(x)).join(" ");
  }
  flash.hidden = false;
}

function showInfo(text) {
  flash.className = "info";
  flash.textContent = text;
  flash.hidden = false;
}

function clearFlash() {
  flash.hidden = true;
  flash.textContent = "";
}

// ---------- session (the token itself lives in an HttpOnly cookie) ----------

let session = null; // {subject, roles, admin, expiresAt, name, email}

async function loadSession() {
  // Both at once, not one after the other (no waterfall): without a session /users/me answers 401
  // and the nav simply has no name.
  const [s, me] = await Promise.allSettled([api("GET", "/api/v1/session"), api("GET", "/api/v1/users/me")]);
  session = s.status === "fulfilled" ? s.value : null;
  if (session && me.status === "fulfilled") Object.assign(session, { name: me.value.name, email: me.value.email });
}

function renderNav() {
  const items = [link("/", "Shop"), link("/cart", ["Cart ", h("span", { id: "cart-count", class: "count" }, cartCount())])];
  if (session) {
    items.push(link("/orders", "Orders"), link("/notifications", "Notifications"));
    if (session.admin) items.push(link("/admin/products", "Products admin"), h("a", { href: "/console" }, "Console"));
    items.push(
      h("span", { class: "muted" }, session.name || session.email || "Signed in"),
      h("button", { class: "link", type: "button", onclick: logout }, "Log out"),
    );
  } else {
    items.push(link("/login", "Log in"), link("/register", "Register"));
  }
  nav.replaceChildren(...items);
}

async function logout() {
  try {
    await api("DELETE", "/api/v1/session");
  } finally {
    session = null;
    renderNav();
    navigate("/");
  }
}

// ---------- cart (product ids and quantities only; nothing secret) ----------

const CART_KEY = "bazaar.cart";
const cart = () => JSON.parse(localStorage.getItem(CART_KEY) || "[]");
const saveCart = (items) => {
  localStorage.setItem(CART_KEY, JSON.stringify(items));
  const c = document.getElementById("cart-count");
  if (c) c.textContent = cartCount();
};
const cartCount = () => cart().reduce((n, i) => n + i.quantity, 0);

function addToCart(p, quantity = 1) {
  const items = cart();
  const line = items.find((i) => i.productId === p.id);
  if (line) line.quantity = Math.min(100, line.quantity + quantity);
  else items.push({ productId: p.id, name: p.name, unitPrice: p.price, quantity });
  saveCart(items);
  showInfo(`${p.name} is in your cart.`);
}

// ---------- router ----------

const routes = [
  [/^\/$/, shop],
  [/^\/products\/([^/]+)$/, product],
  [/^\/cart$/, cartPage],
  [/^\/checkout$/, checkout],
  [/^\/orders$/, orders],
  [/^\/orders\/([^/]+)$/, orderPage],
  [/^\/login$/, login],
  [/^\/register$/, register],
  [/^\/notifications$/, notifications],
  [/^\/admin\/products$/, adminProducts],
  [/^\/admin\/products\/([^/]+)$/, adminProduct],
];

let leave = null; // cleanup of the current page (e.g. an open event stream)

export function navigate(url, replace = false) {
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  render();
}

async function render() {
  if (leave) {
    leave();
    leave = null;
  }
  const path = location.pathname;
  for (const [re, page] of routes) {
    const m = path.match(re);
    if (m) {
      try {
        await page(...m.slice(1).map(decodeURIComponent));
        usable();
      } catch (e) {
        showError(e);
      }
      return;
    }
  }
  page("Not found", h("p", {}, "There is no such page. ", link("/", "Back to the shop")));
}

/**
 * Marks the moment the first page has its data on screen ("bazaar:usable", a User Timing mark):
 * the browser test reads it beside first-contentful-paint and counts the requests made before it.
 */
export function usable() {
  if (!performance.getEntriesByName("bazaar:usable", "mark").length) performance.mark("bazaar:usable");
}

function page(title, ...content) {
  document.title = title + " - Bazaar";
  main.replaceChildren(h("h1", {}, title), ...content);
  main.focus({ preventScroll: true });
}

document.addEventListener("click", (e) => {
  const a = e.target.closest("a[data-link]");
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || a.target) return;
  e.preventDefault();
  clearFlash();
  navigate(a.getAttribute("href"));
});
window.addEventListener("popstate", () => {
  clearFlash();
  render();
});

async function requireLogin() {
  await sessionReady;
  if (session) return true;
  clearFlash(); // e.g. the refusal of an order's stream that started beside the session check
  navigate("/login?next=" + encodeURIComponent(location.pathname + location.search), true);
  return false;
}

// ---------- pages ----------

async function shop() {
  const params = new URLSearchParams(location.search);
  const q = params.get("q") || "";
  const pageNo = Math.max(0, parseInt(params.get("page") || "0", 10) || 0);
  const size = 12;
  const search = h(
    "form",
    { class: "inline", role: "search", onsubmit: (e) => {
      e.preventDefault();
      const v = e.target.q.value.trim();
      navigate("/?" + new URLSearchParams({ q: v, page: "0" }));
    } },
    h("label", {}, "Search products", h("input", { name: "q", type: "search", value: q, id: "search" })),
    h("button", { type: "submit" }, "Search"),
  );
  // The request goes out first, together with the session's (drawing the page first would hold
  // it back behind a layout).
  const request = api("GET", `/api/v1/products?${new URLSearchParams({ q, page: pageNo, size })}`);
  page("Products", search, h("p", { class: "muted" }, "Loading products…"));
  const data = await request;
  const list = h("ul", { class: "grid", id: "products" }, data.items.map((p) => h("li", { class: "card product" },
    h("h2", {}, link(`/products/${p.id}`, p.name)),
    h("span", { class: "price" }, money(p.price)),
    p.stock > 0 ? h("span", { class: "muted" }, `${p.stock} in stock`) : h("span", { class: "stock-out" }, "Out of stock"),
    h("button", { type: "button", disabled: p.stock <= 0, onclick: () => addToCart(p), "aria-label": `Add ${p.name} to cart` }, "Add to cart"),
  )));
  const pages = Math.max(1, Math.ceil(data.total / size));
  const go = (n) => "/?" + new URLSearchParams({ q, page: n });
  const pager = h("nav", { class: "pager", "aria-label": "Pages" },
    pageNo > 0 ? link(go(pageNo - 1), "← Previous", { rel: "prev" }) : null,
    h("span", {}, `Page ${pageNo + 1} of ${pages} (${data.total} products)`),
    pageNo + 1 < pages ? link(go(pageNo + 1), "Next →", { rel: "next" }) : null,
  );
  main.replaceChildren(main.firstChild, search, data.items.length ? list : h("p", {}, "No products match."), pager);
}

async function product(id) {
  const p = await api("GET", `/api/v1/products/${encodeURIComponent(id)}`);
  const qty = h("input", { type: "number", name: "quantity", min: 1, max: 100, value: 1, id: "quantity" });
  page(p.name,
    p.description ? h("p", {}, p.description) : null,
    h("p", { class: "price" }, money(p.price)),
    h("p", { id: "stock" }, p.stock > 0 ? `${p.stock} in stock` : "Out of stock"),
    h("form", { class: "inline", onsubmit: (e) => {
      e.preventDefault();
      addToCart(p, Math.max(1, Math.min(100, parseInt(qty.value, 10) || 1)));
    } }, h("label", {}, "Quantity", qty), h("button", { type: "submit", disabled: p.stock <= 0 }, "Add to cart")),
    h("p", {}, link("/", "← Back to the products")),
  );
}

function cartPage() {
  const items = cart();
  if (!items.length) {
    page("Your cart", h("p", {}, "Your cart is empty. ", link("/", "Browse the products")));
    return;
  }
  const rows = items.map((i, n) => h("tr", {},
    h("td", {}, link(`/products/${i.productId}`, i.name)),
    h("td", {}, money(i.unitPrice)),
    h("td", {}, h("input", { type: "number", min: 1, max: 100, value: i.quantity, "aria-label": `Quantity of ${i.name}`, onchange: (e) => {
      const all = cart();
      all[n].quantity = Math.max(1, Math.min(100, parseInt(e.target.value, 10) || 1));
      saveCart(all);
      cartPage();
    } })),
    h("td", {}, money({ amount: i.unitPrice.amount * i.quantity, currency: i.unitPrice.currency })),
    h("td", {}, h("button", { type: "button", class: "secondary", onclick: () => {
      saveCart(cart().filter((_, k) => k !== n));
      cartPage();
    } }, "Remove")),
  ));
  const total = items.reduce((s, i) => s + i.unitPrice.amount * i.quantity, 0);
  page("Your cart",
    h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, ["Product", "Price", "Quantity", "Line total", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows))),
    h("p", { class: "price" }, "Estimated total: ", money({ amount: total, currency: items[0].unitPrice.currency })),
    h("p", { class: "muted" }, "The catalog prices the order when you place it."),
    link("/checkout", "Go to checkout", { class: "button", id: "checkout" }),
  );
}

const TOKENS = [
  ["tok_ok", "Test card that pays"],
  ["tok_declined", "Test card that is declined"],
  ["tok_slow", "Test card that answers slowly (a few seconds)"],
  ["tok_error", "Test card that fails twice, then pays"],
];

async function checkout() {
  if (!(await requireLogin())) return;
  const items = cart();
  if (!items.length) {
    page("Checkout", h("p", {}, "Your cart is empty. ", link("/", "Browse the products")));
    return;
  }
  // One key per checkout attempt: a double click or a retry places the order once.
  const idempotencyKey = crypto.randomUUID();
  const submit = h("button", { type: "submit", id: "place-order" }, "Place order");
  page("Checkout",
    h("ul", {}, items.map((i) => h("li", {}, `${i.quantity} × ${i.name} (${money(i.unitPrice)})`))),
    h("form", { class: "stack", onsubmit: async (e) => {
      e.preventDefault();
      submit.disabled = true;
      clearFlash();
      try {
        const order = await api("POST", "/api/v1/orders", {
          items: cart().map((i) => ({ productId: i.productId, quantity: i.quantity })),
          paymentToken: e.target.paymentToken.value,
        }, { "Idempotency-Key": idempotencyKey });
        saveCart([]);
        navigate(`/orders/${order.id}`);
      } catch (err) {
        submit.disabled = false;
        showError(err);
      }
    } },
    h("fieldset", {}, h("legend", {}, "Payment (test cards)"),
      TOKENS.map(([value, text], n) => h("label", { class: "choice" },
        h("input", { type: "radio", name: "paymentToken", value, checked: n === 0, id: `pay-${value}` }), text))),
    submit),
  );
}

const REASONS = {
  OUT_OF_STOCK: "Cancelled: there was not enough stock for an item.",
  PAYMENT_DECLINED: "Cancelled: the payment was declined.",
  TIMED_OUT: "Cancelled: a step took too long, so the order was called off and anything reserved or charged was given back.",
  CANCELLED_BY_CUSTOMER: "Cancelled: you cancelled this order.",
};
export const reasonText = (r) => REASONS[r] || (r ? `Cancelled (${r}).` : "");

const STEP_NAMES = {
  RESERVE_STOCK: "Reserve stock", AUTHORIZE_PAYMENT: "Authorize payment", COMMIT_STOCK: "Commit stock",
  RELEASE_STOCK: "Release reserved stock", REFUND_PAYMENT: "Refund payment", CANCEL: "Cancellation",
};
const OUTCOMES = {
  STARTED: "started", SUCCEEDED: "done", FAILED: "failed", TIMED_OUT: "timed out", RETRIED: "retried", REQUESTED: "requested",
};
const stepText = (s) => `${STEP_NAMES[s.step] || s.step} ${OUTCOMES[s.outcome] || s.outcome}`;

async function orderPage(id) {
  const path = `/api/v1/orders/${encodeURIComponent(id)}`;
  const status = h("span", { id: "order-status", class: "status" }, "…");
  const reason = h("p", { id: "order-reason", class: "reason" });
  const lines = h("tbody", {});
  const total = h("p", { class: "price" });
  const placed = h("p", { class: "muted" });
  const steps = h("ol", { class: "timeline", id: "order-steps", "aria-live": "polite" });
  const live = h("p", { class: "muted", id: "live" }, "Loading the order…");
  const cancel = h("button", { type: "button", class: "danger", id: "cancel-order", hidden: true, onclick: async () => {
    cancel.disabled = true;
    try {
      await api("POST", `${path}/cancel`);
      showInfo("Cancellation requested; the saga gives back what it reserved or charged.");
    } catch (e) {
      cancel.disabled = false;
      showError(e);
    }
  } }, "Cancel order");
  let shown;
  const firstShown = new Promise((resolve) => (shown = resolve));
  const show = (o) => {
    shown();
    status.textContent = o.status;
    status.className = `status status-${o.status}`;
    reason.textContent = o.status === "CANCELLED" ? reasonText(o.reason) : "";
    lines.replaceChildren(...o.items.map((i) => h("tr", {}, h("td", {}, i.name), h("td", {}, i.quantity),
      h("td", {}, money(i.unitPrice)), h("td", {}, money(i.lineTotal)))));
    total.replaceChildren("Total: ", money(o.total));
    placed.textContent = `Placed ${when(o.createdAt)}`;
    steps.replaceChildren(...(o.steps || []).map((s) => h("li", { class: s.outcome }, stepText(s), " ",
      h("time", { datetime: s.at, class: "muted" }, new Date(s.at).toLocaleTimeString()))));
    cancel.hidden = o.status !== "PENDING";
  };
  // The stream opens at once, beside the session check rather than after it, and before the page
  // is drawn (no waterfall). Without a session the gateway refuses it, and requireLogin sends the
  // visitor to the login; that navigation's render stops the stream (leave).
  leave = follow(path, show, live);
  page(`Order ${id.slice(0, 8)}`,
    h("p", {}, "Status: ", status), reason,
    h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, ["Product", "Quantity", "Price", "Line total"].map((t) => h("th", { scope: "col" }, t)))),
      lines)),
    total, placed, cancel,
    h("h2", {}, "Progress"), steps, live,
    h("p", {}, link("/orders", "← All your orders")),
  );
  if (!(await requireLogin())) return;
  await firstShown; // the page is usable once the order is on screen
}

const isFinal = (o) => ["CONFIRMED", "CANCELLED"].includes(o.status);

/**
 * Follows an order live. The SSE stream of /events comes first (its first event is the current
 * state, so no separate GET is needed; the session cookie authenticates it, so the browser's
 * EventSource works). Where the stream is refused, the order is read and then followed with long
 * polls (Prefer: wait). Returns the function that stops following.
 */
function follow(path, show, live) {
  let stopped = false;
  let es = null;
  let seen = false;
  const poll = async () => {
    document.body.dataset.live = "poll";
    while (!stopped) {
      try {
        const o = await api("GET", path, undefined, seen ? { Prefer: "wait=20" } : {});
        seen = true;
        if (stopped) return;
        show(o);
        if (isFinal(o)) {
          live.textContent = "This order is final.";
          return;
        }
        live.textContent = "Following the order (long polling)…";
      } catch (e) {
        if (stopped) return;
        showError(e);
        if (e.status === 404 || e.status === 401) return;
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  };
  if (!("EventSource" in window)) {
    poll();
  } else {
    es = new EventSource(`${path}/events`);
    const onOrder = (ev) => {
      seen = true;
      document.body.dataset.live = "sse";
      const o = JSON.parse(ev.data);
      show(o);
      if (ev.type === "final" || isFinal(o)) {
        es.close();
        live.textContent = "This order is final.";
      } else {
        live.textContent = "Following the order live (server-sent events)…";
      }
    };
    ["state", "step", "final"].forEach((t) => es.addEventListener(t, onOrder));
    es.onerror = () => {
      // EventSource reconnects by itself after a dropped stream; a refused one (no such order,
      // an error status) is CLOSED, and then a plain read and long polling take over.
      if (es.readyState === EventSource.CLOSED && !stopped) {
        es = null;
        poll();
      }
    };
  }
  return () => {
    stopped = true;
    if (es) es.close();
  };
}

async function orders() {
  if (!(await requireLogin())) return;
  const params = new URLSearchParams(location.search);
  const pageNo = Math.max(0, parseInt(params.get("page") || "0", 10) || 0);
  const data = await api("GET", `/api/v1/orders?page=${pageNo}&size=20`);
  if (!data.items.length) {
    page("Your orders", h("p", {}, "No orders yet. ", link("/", "Start shopping")));
    return;
  }
  const pages = Math.max(1, Math.ceil(data.total / 20));
  page("Your orders",
    h("div", { class: "table-wrap" }, h("table", { id: "orders" },
      h("thead", {}, h("tr", {}, ["Order", "Placed", "Status", "Total"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, data.items.map((o) => h("tr", {},
        h("td", {}, link(`/orders/${o.id}`, o.id.slice(0, 8))),
        h("td", {}, when(o.createdAt)),
        h("td", {}, h("span", { class: `status status-${o.status}` }, o.status), o.reason ? h("div", { class: "muted" }, reasonText(o.reason)) : null),
        h("td", {}, money(o.total))))))),
    h("nav", { class: "pager", "aria-label": "Pages" },
      pageNo > 0 ? link(`/orders?page=${pageNo - 1}`, "← Newer") : null,
      h("span", {}, `Page ${pageNo + 1} of ${pages}`),
      pageNo + 1 < pages ? link(`/orders?page=${pageNo + 1}`, "Older →") : null),
  );
}

async function notifications() {
  if (!(await requireLogin())) return;
  const data = await api("GET", "/api/v1/notifications");
  page("Notifications", data.items.length
    ? h("ul", { id: "notifications" }, data.items.map((n) => h("li", {},
      h("strong", {}, n.message), " ", h("span", { class: "muted" }, when(n.createdAt)), " ",
      n.orderId ? link(`/orders/${n.orderId}`, "View order") : null)))
    : h("p", {}, "Nothing yet."));
}

function login() {
  const next = new URLSearchParams(location.search).get("next");
  const safeNext = next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
  const submit = h("button", { type: "submit" }, "Log in");
  page("Log in", h("form", { class: "stack narrow", id: "login-form", onsubmit: async (e) => {
    e.preventDefault();
    submit.disabled = true;
    clearFlash();
    try {
      await api("POST", "/api/v1/session", { email: e.target.email.value, password: e.target.password.value });
      await loadSession();
      renderNav();
      if (safeNext === "/console") location.assign("/console");
      else navigate(safeNext);
    } catch (err) {
      submit.disabled = false;
      showError(err);
    }
  } },
  h("label", {}, "Email", h("input", { name: "email", type: "email", autocomplete: "username", required: true })),
  h("label", {}, "Password", h("input", { name: "password", type: "password", autocomplete: "current-password", required: true })),
  submit,
  h("p", {}, "New here? ", link("/register", "Create an account"))));
}

function register() {
  const submit = h("button", { type: "submit" }, "Create account");
  page("Create an account", h("form", { class: "stack narrow", id: "register-form", onsubmit: async (e) => {
    e.preventDefault();
    submit.disabled = true;
    clearFlash();
    const f = e.target;
    try {
      await api("POST", "/api/v1/users", { email: f.email.value, password: f.password.value, name: f.name.value });
      await api("POST", "/api/v1/session", { email: f.email.value, password: f.password.value });
      await loadSession();
      renderNav();
      showInfo("Welcome to Bazaar! You are logged in.");
      navigate("/");
    } catch (err) {
      submit.disabled = false;
      showError(err);
    }
  } },
  h("label", {}, "Name", h("input", { name: "name", autocomplete: "name", required: true })),
  h("label", {}, "Email", h("input", { name: "email", type: "email", autocomplete: "username", required: true })),
  h("label", {}, "Password (at least 8 characters)", h("input", { name: "password", type: "password", autocomplete: "new-password", minlength: 8, required: true })),
  submit));
}

// ---------- admin: products ----------

async function requireAdmin() {
  if (!(await requireLogin())) return false;
  if (!session.admin) {
    page("Not allowed", h("p", { role: "alert" }, "Product management is for administrators."));
    return false;
  }
  return true;
}

function productForm(p, onSave) {
  const submit = h("button", { type: "submit" }, p ? "Save" : "Create product");
  return h("form", { class: "stack narrow", id: "product-form", onsubmit: async (e) => {
    e.preventDefault();
    const f = e.target;
    const body = {
      name: f.name.value,
      description: f.description.value,
      price: { amount: Math.round(parseFloat(f.price.value) * 100), currency: f.currency.value.toUpperCase() },
    };
    if (!p) body.stock = parseInt(f.stock.value, 10);
    submit.disabled = true;
    clearFlash();
    try {
      await onSave(body);
    } catch (err) {
      showError(err);
    } finally {
      submit.disabled = false;
    }
  } },
  h("label", {}, "Name", h("input", { name: "name", required: true, value: p ? p.name : "" })),
  h("label", {}, "Description", h("textarea", { name: "description", rows: 3 }, p ? p.description || "" : "")),
  h("label", {}, "Price", h("input", { name: "price", type: "number", step: "0.01", min: "0", required: true, value: p ? (p.price.amount / 100).toFixed(2) : "" })),
  h("label", {}, "Currency", h("input", { name: "currency", required: true, pattern: "[A-Za-z]{3}", value: p ? p.price.currency : "EUR" })),
  p ? null : h("label", {}, "Stock", h("input", { name: "stock", type: "number", min: "0", required: true, value: "0" })),
  submit);
}

async function adminProducts() {
  if (!(await requireAdmin())) return;
  const params = new URLSearchParams(location.search);
  const pageNo = Math.max(0, parseInt(params.get("page") || "0", 10) || 0);
  const data = await api("GET", `/api/v1/products?page=${pageNo}&size=50`);
  const pages = Math.max(1, Math.ceil(data.total / 50));
  page("Products admin",
    h("div", { class: "table-wrap" }, h("table", { id: "admin-products" },
      h("thead", {}, h("tr", {}, ["Name", "Price", "Stock", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, data.items.map((p) => h("tr", {}, h("td", {}, p.name), h("td", {}, money(p.price)), h("td", {}, p.stock),
        h("td", {}, link(`/admin/products/${p.id}`, "Edit", { "aria-label": `Edit ${p.name}` }))))))),
    h("nav", { class: "pager", "aria-label": "Pages" },
      pageNo > 0 ? link(`/admin/products?page=${pageNo - 1}`, "← Previous") : null,
      h("span", {}, `Page ${pageNo + 1} of ${pages}`),
      pageNo + 1 < pages ? link(`/admin/products?page=${pageNo + 1}`, "Next →") : null),
    h("h2", {}, "New product"),
    productForm(null, async (body) => {
      const created = await api("POST", "/api/v1/products", body);
      showInfo(`Created ${created.name}.`);
      navigate(`/admin/products/${created.id}`);
    }),
  );
}

async function adminProduct(id) {
  if (!(await requireAdmin())) return;
  const path = `/api/v1/products/${encodeURIComponent(id)}`;
  const p = await api("GET", path);
  const stock = h("input", { name: "stock", type: "number", min: "0", required: true, value: p.stock, id: "stock-input" });
  page(`Edit ${p.name}`,
    productForm(p, async (body) => {
      const saved = await api("PUT", path, body);
      showInfo(`Saved ${saved.name}.`);
    }),
    h("h2", {}, "Stock"),
    h("form", { class: "inline", id: "stock-form", onsubmit: async (e) => {
      e.preventDefault();
      clearFlash();
      try {
        const saved = await api("PUT", `${path}/stock`, { stock: parseInt(stock.value, 10) });
        showInfo(`Stock of ${saved.name} is now ${saved.stock}.`);
      } catch (err) {
        showError(err);
      }
    } }, h("label", {}, "Available quantity", stock), h("button", { type: "submit" }, "Set stock")),
    h("p", {}, link("/admin/products", "← All products")),
  );
}

// ---------- start: the session and the first page load in parallel, no waterfall ----------

// Public pages render at once; pages that need the session wait for it (requireLogin).
const sessionReady = loadSession().then(renderNav);
render();
