import type { ReportData } from '../report-data.js';
import { byId, el, kindColor, swatch } from './dom.js';

/** renderFailureTable fills the failure table and redraws it when the kind or pod filter changes. */
export function renderFailureTable(D: ReportData): void {
  const rows = D.table.rows;
  const kindSel = byId<HTMLSelectElement>('filter-kind');
  const podSel = byId<HTMLSelectElement>('filter-pod');
  const body = byId('failure-rows');
  const count = byId('failure-count');
  const options = (sel: HTMLSelectElement, values: string[]): void => {
    values.forEach((v) => {
      const o = el('option', null, v === '' ? '(none)' : v);
      o.value = v;
      sel.appendChild(o);
    });
  };
  const uniq = (i: 1 | 3): string[] => {
    const s: Record<string, true> = {};
    rows.forEach((r) => (s[r[i]] = true));
    return Object.keys(s).sort();
  };
  options(kindSel, uniq(1));
  options(podSel, uniq(3));
  const draw = (): void => {
    const k = kindSel.value;
    const p = podSel.value;
    let shown = 0;
    while (body.firstChild) body.removeChild(body.firstChild);
    rows.forEach((r) => {
      if ((k !== '*' && r[1] !== k) || (p !== '*' && r[3] !== p)) return;
      const tr = el('tr');
      tr.appendChild(el('td', 'num', r[0].toFixed(3)));
      const kind = el('td');
      kind.appendChild(swatch(kindColor(r[1])));
      kind.appendChild(document.createTextNode(r[1]));
      tr.appendChild(kind);
      [r[2], r[3], r[4], r[5]].forEach((v) => tr.appendChild(el('td', null, v)));
      tr.appendChild(el('td', 'num', r[6]));
      tr.appendChild(el('td', null, r[7]));
      body.appendChild(tr);
      shown++;
    });
    const rest = D.table.total - rows.length;
    count.textContent = shown + ' of ' + D.table.total + ' failures shown' +
      (rest > 0 ? ' (the table holds the first ' + rows.length + '; ' + rest + ' more are in the results file)' : '');
  };
  kindSel.addEventListener('change', draw);
  podSel.addEventListener('change', draw);
  draw();
}
