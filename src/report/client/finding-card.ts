import type { Finding } from '../../results/types.js';
import { el } from './dom.js';

/** findingCard draws one finding: severity, id and title, its evidence, and the fix. */
export function findingCard(f: Pick<Finding, 'id' | 'severity' | 'title' | 'evidence' | 'fix'>): HTMLElement {
  const card = el('article', 'finding ' + f.severity);
  card.setAttribute('data-finding', f.id);
  const h = el('h3');
  h.appendChild(el('span', 'sev', f.severity));
  h.appendChild(el('code', null, f.id));
  h.appendChild(document.createTextNode(' ' + f.title));
  card.appendChild(h);
  const ul = el('ul');
  f.evidence.forEach((e) => ul.appendChild(el('li', null, e)));
  card.appendChild(ul);
  const fix = el('p', 'fix');
  fix.appendChild(el('b', null, 'Fix: '));
  fix.appendChild(document.createTextNode(f.fix));
  card.appendChild(fix);
  return card;
}
