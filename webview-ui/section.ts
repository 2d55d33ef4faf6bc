/** A titled section of the panel whose header button collapses and expands its body. */
import { el } from './dom';

let nextId = 0;

/**
 * `<section>` with an `<h2>` holding a disclosure button (aria-expanded, aria-controls) and
 * optional extra header content; the body is hidden while collapsed. `onToggle` runs after a
 * change, so canvases inside can redraw at their new size.
 */
export class Section {
  /** The section element. */
  readonly root: HTMLElement;
  /** The header: an h2 holding the toggle button, then any `extras` beside it. */
  readonly header: HTMLElement;
  /** Holds the section's content; hidden while collapsed. */
  readonly body: HTMLElement;
  /** The toggle button (its text is the title). */
  readonly button: HTMLButtonElement;
  private readonly label: HTMLElement;

  constructor(
    title: string,
    props: { id?: string; className?: string; extras?: Node[]; onToggle?: () => void },
    ...content: Node[]
  ) {
    const bodyId = `section-body-${++nextId}`;
    this.label = el('span', { className: 'section-label', text: title });
    this.button = el('button', { className: 'section-toggle' }, this.label);
    this.button.setAttribute('aria-controls', bodyId);
    this.header = el(
      'div',
      { className: 'section-header' },
      el('h2', { className: 'view-title' }, this.button),
      ...(props.extras ?? []),
    );
    this.body = el('div', { id: bodyId, className: 'section-body' }, ...content);
    this.root = el(
      'section',
      { id: props.id, className: `view ${props.className ?? ''}`.trim() },
      this.header,
      this.body,
    );
    this.setExpanded(true);
    this.button.addEventListener('click', () => {
      this.setExpanded(!this.expanded);
      props.onToggle?.();
    });
  }

  /** Whether the body is shown. */
  get expanded(): boolean {
    return this.button.getAttribute('aria-expanded') === 'true';
  }

  /** Shows or hides the body. */
  setExpanded(expanded: boolean): void {
    this.button.setAttribute('aria-expanded', String(expanded));
    this.button.title = `${expanded ? 'Collapse' : 'Expand'} ${this.label.textContent ?? ''}`;
    this.body.hidden = !expanded;
    this.root.classList.toggle('collapsed', !expanded);
  }
}
