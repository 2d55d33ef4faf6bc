/** The hover card (text only) and the hover/jump messages it implies for the editor. */
import { OP_KIND_LABELS, OP_KINDS } from '../src/model/opKinds';
import { spanCpu } from '../src/model/parallelism';
import type { TraceModel } from '../src/model/traceModel';
import type { SourcePosition } from '../src/shared/protocol';
import { formatDuration, shortLocation, threadLabel } from './format';

/** A floating card that describes the span or operation under the pointer. */
export class Tooltip {
  constructor(private readonly el: HTMLElement) {}

  /** Describes one callback run. */
  showSpan(model: TraceModel, span: number, clientX: number, clientY: number): void {
    const res = model.spanRes.data[span];
    const startNs = model.spanStartNs.data[span];
    const endNs = model.spanEndNs.data[span];
    const ran = Number.isNaN(endNs)
      ? `callback running for ${formatDuration(model.endNs - startNs)}…`
      : `callback ran ${formatDuration(endNs - startNs)}`;
    const depth = model.spanDepth.data[span];
    const nested = depth ? ` (nested, depth ${depth})` : '';
    const cpu = spanCpuText(model, span);
    this.show(
      [
        ...header(model, res),
        line(ran + nested),
        ...(cpu ? [line(cpu)] : []),
        ...footer(model, res),
      ],
      clientX,
      clientY,
    );
  }

  /** Describes one async operation: how long it waited and ran. */
  showOp(model: TraceModel, res: number, clientX: number, clientY: number): void {
    let ranNs = 0;
    let runs = 0;
    for (
      let span = model.resFirstSpan.data[res];
      span >= 0;
      span = model.spanNextOfRes.data[span]
    ) {
      const endNs = model.spanEndNs.data[span];
      ranNs += (Number.isNaN(endNs) ? model.endNs : endNs) - model.spanStartNs.data[span];
      runs++;
    }
    const initNs = model.resInitNs.data[res];
    const firstRunNs = model.firstRunNs(res);
    const destroyNs = model.resDestroyNs.data[res];
    const lines = header(model, res);
    if (Number.isNaN(initNs)) {
      lines.push(line(`created before tracing started; ran ${formatDuration(ranNs)}`));
    } else if (runs === 0) {
      const untilNs = Number.isNaN(destroyNs) ? model.endNs : destroyNs;
      lines.push(line(`waited ${formatDuration(untilNs - initNs)}, never ran`));
    } else {
      lines.push(
        line(`waited ${formatDuration(firstRunNs - initNs)}, ran ${formatDuration(ranNs)}`),
      );
    }
    const createdNs = Number.isNaN(initNs) ? firstRunNs : initNs;
    const destroyed = Number.isNaN(destroyNs)
      ? 'not destroyed yet'
      : `destroyed after ${formatDuration(destroyNs - createdNs)}`;
    lines.push(line(`${runs} callback${runs === 1 ? '' : 's'}, ${destroyed}`));
    this.show([...lines, ...footer(model, res)], clientX, clientY);
  }

  /** Shows plain lines (the first as the title), e.g. a track's hover text. */
  showLines(lines: string[], clientX: number, clientY: number): void {
    this.show(
      lines.map((text, i) => line(text, i === 0 ? 'tt-title' : 'tt-line')),
      clientX,
      clientY,
    );
  }

  /** Hides the card. */
  hide(): void {
    this.el.hidden = true;
  }

  private show(lines: Line[], clientX: number, clientY: number): void {
    const el = this.el;
    el.replaceChildren(
      ...lines.map(({ text, className }) => {
        const div = document.createElement('div');
        div.className = className;
        div.textContent = text;
        return div;
      }),
    );
    el.hidden = false;
    const margin = 12;
    const { width, height } = el.getBoundingClientRect();
    const left =
      clientX + margin + width > window.innerWidth ? clientX - margin - width : clientX + margin;
    const top =
      clientY + margin + height > window.innerHeight ? clientY - margin - height : clientY + margin;
    el.style.left = `${Math.max(0, left)}px`;
    el.style.top = `${Math.max(0, top)}px`;
  }
}

/** One line of the card: text (never HTML) and its CSS class. */
interface Line {
  text: string;
  className: string;
}

function line(text: string, className = 'tt-line'): Line {
  return { text, className };
}

function header(model: TraceModel, res: number): Line[] {
  const kind = OP_KINDS[model.kindIndexOf(res)] ?? 'other';
  const type = model.typeOf(res);
  const label = OP_KIND_LABELS[kind];
  return label === type
    ? [line(type, 'tt-title')]
    : [line(type, 'tt-title'), line(label, 'tt-kind')];
}

function footer(model: TraceModel, res: number): Line[] {
  const thread = model.threads[model.resThread.data[res]];
  const lines = [line(`thread: ${thread ? threadLabel(thread) : 'unknown'}`)];
  const loc = model.locationOf(res);
  if (loc) {
    const inferred = loc.inferred ? ' (inferred)' : '';
    lines.push(line(`created at ${shortLocation(loc)}${inferred}`), line(loc.file, 'tt-path'));
  } else {
    lines.push(line('creation site unknown', 'tt-muted'));
  }
  return lines;
}

/** The source position of a resource's creation site, if it has one. */
export function positionOf(model: TraceModel, res: number): SourcePosition | undefined {
  const loc = res < 0 ? undefined : model.locationOf(res);
  return loc ? { file: loc.file, line: loc.line, column: loc.column } : undefined;
}

/** Posts `hover` only when the hovered position changes (the editor decorates on each one). */
export class HoverReporter {
  private lastKey = '';

  constructor(private readonly post: (position: SourcePosition | undefined) => void) {}

  /** Reports the position under the pointer, or undefined for nothing. */
  update(position: SourcePosition | undefined): void {
    const key = position ? `${position.file}\n${position.line}\n${position.column}` : '';
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.post(position);
    }
  }
}

/**
 * How a finished callback's thread spent its wall time, from the OS-thread samples over it
 * ("on a CPU 102 ms, waited 198 ms for one"), or undefined without samples of that thread.
 */
export function spanCpuText(model: TraceModel, span: number): string | undefined {
  const cpu = model.os.sampleCount > 0 ? spanCpu(model, span) : undefined;
  if (!cpu) {
    return undefined;
  }
  const est = model.os.info?.estimate ? ' (estimated)' : '';
  return `on a CPU ${formatDuration(cpu.runNs)}, waited ${formatDuration(cpu.waitNs)} for one${est}`;
}
