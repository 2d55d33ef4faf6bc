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
