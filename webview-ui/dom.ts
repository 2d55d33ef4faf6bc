/** Tiny DOM builder: elements with classes, ids and text; never HTML strings. */

/** Creates `<tag>` with optional id, class and text content. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { id?: string; className?: string; text?: string } = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.id) {
    node.id = props.id;
  }
  if (props.className) {
    node.className = props.className;
  }
  if (props.text !== undefined) {
    node.textContent = props.text;
  }
  node.append(...children);
  return node;
}

/**
 * Sets `target[key]` to `value` unless it already is. For what is written on every redraw: any
 * write to the DOM, even of the value it has, marks the page for layout, and the next read of
 * a size in the same frame then lays the page out again.
 */
export function setIfChanged<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K],
): void {
  if (target[key] !== value) {
    target[key] = value;
  }
}
