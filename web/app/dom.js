// h(): elements from tag, attributes and children, without innerHTML (so no text from the
// server is ever parsed as markup).

/**
 * @param {string} tag
 * @param {Record<string, any> | null} [attrs] `on*` functions become listeners; `false`/`null`
 *   attributes are left out; `true` ones are set empty.
 * @param {...any} children strings, nodes, arrays, or null/false (skipped)
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (name in el && typeof value !== 'string') {
      el[name] = value;
    } else {
      el.setAttribute(name, value === true ? '' : value);
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === false || child === undefined) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** A form field whose accessible name is exactly `label`; a hint is tied by aria-describedby. */
export function field(label, control, hint) {
  control.id ||= uniqueId('field');
  const hintEl = hint ? h('small', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

let ids = 0;
export const uniqueId = (prefix) => `${prefix}-${++ids}`;
