// regions.js: the towns and villages of the official's region, fetched once
// per session, for region filters and names.

import {api} from './api.js';

let tree = null;

export async function regions() {
  if (!tree) tree = api.get('/regions').catch(e => { tree = null; throw e; });
  return tree;
}

export function forget() { tree = null; }

// regionOptions are [value, label] pairs: the whole region, then each town
// with its villages indented under it.
export async function regionOptions() {
  const t = await regions();
  const out = [['', '全部（' + (t.root.name || '本辖区') + '）']];
  const byParent = {};
  for (const r of t.items) (byParent[r.parent_code] = byParent[r.parent_code] || []).push(r);
  const walk = (code, depth) => {
    for (const r of byParent[code] || []) {
      out.push([r.code, '\u3000'.repeat(depth) + r.name]);
      walk(r.code, depth + 1);
    }
  };
  const roots = t.items.filter(r => !t.items.some(p => p.code === r.parent_code));
  for (const r of roots) {
    out.push([r.code, r.name]);
    walk(r.code, 1);
  }
  return out;
}
