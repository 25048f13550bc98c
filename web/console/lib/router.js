// router.js: hash routes (#/households?class=monitored), so the console is
// one page and every view has a link an official can bookmark or share.

const routes = [];

// route registers a pattern ("households/:id") and its render function,
// called as render(view, {params, query}).
export function route(pattern, render) {
  const names = [];
  const re = new RegExp('^' + pattern.replace(/:([a-z_]+)/g, (_, n) => { names.push(n); return '([^/]+)'; }) + '$');
  routes.push({re, names, render});
}

// current parses location.hash.
export function current() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, qs] = raw.split('?');
  return {path: path || 'dashboard', query: Object.fromEntries(new URLSearchParams(qs || ''))};
}

// href makes a console link from a path and a query object.
export function href(path, query) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return '#/' + path + (s ? '?' + s : '');
}

// go navigates; replace keeps the history entry (filters typed in place).
export function go(path, query, replace) {
  const target = href(path, query);
  if (replace) history.replaceState(null, '', target);
  else location.hash = target;
  if (replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function match(path) {
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) {
      const params = {};
      r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
      return {render: r.render, params};
    }
  }
  return null;
}
