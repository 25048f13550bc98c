// dom.js: building elements without innerHTML, so text from the server is
// never parsed as HTML.

// h makes an element: h('a', {href: '#/x', class: 'btn', onclick: fn}, 'text', child, [more]).
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

// mount replaces el's children.
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// pick returns the first of obj's keys (dotted paths allowed) that is set,
// so pages keep working when an API names a field differently.
export function pick(obj, ...keys) {
  for (const k of keys) {
    let v = obj;
    for (const part of k.split('.')) v = v == null ? undefined : v[part];
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

// notice is a coloured message box.
export function notice(kind, ...text) {
  return h('div', {class: 'notice notice-' + kind, role: kind === 'error' ? 'alert' : 'status'}, ...text);
}
