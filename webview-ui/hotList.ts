/** The details' list of a callback's hottest functions, from the sampled stacks (issue #17). */
import { spanHotFunctions } from '../src/model/stacks';
import type { TraceModel } from '../src/model/traceModel';
import type { SourcePosition } from '../src/shared/protocol';
import { el } from './dom';
import { formatDuration } from './format';

/** Functions listed per callback. */
const HOT_LISTED = 5;

/** A heading and the hottest functions of `span` (each a jump to its line), or nothing
 * when its thread has no samples. */
export function hotList(
  model: TraceModel,
  span: number,
  jump: (position: SourcePosition) => void,
): HTMLElement[] {
  const hot = spanHotFunctions(model, span, HOT_LISTED);
  if (!hot) {
    return [];
  }
  const list = el('ol', { id: 'details-hot', className: 'details-list' });
  for (const h of hot) {
    const where = h.file ? `${h.file.split(/[\\/]/).pop()}:${h.line}` : '';
    const label = `${h.function}${where ? ` (${where})` : ''}`;
    const times = ` self ${formatDuration(h.selfMs * 1e6)}, total ${formatDuration(h.totalMs * 1e6)}`;
    if (h.file && h.line > 0 && !h.file.startsWith('node:')) {
      const button = el('button', { className: 'link', text: label });
      button.title = `Open ${h.file}:${h.line}`;
      const position = { file: h.file, line: h.line, column: 1 };
      button.addEventListener('click', () => jump(position));
      list.append(el('li', {}, button, el('span', { text: times })));
    } else {
      list.append(el('li', { text: label + times }));
    }
  }
  if (!hot.length) {
    list.append(el('li', { className: 'details-muted', text: 'No samples in this callback.' }));
  }
  return [el('h4', { text: 'Hottest functions (sampled stacks)' }), list];
}
