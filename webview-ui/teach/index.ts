/**
 * Teaching tools in the panel (#19): presenter mode, replay and step with the queues at the
 * cursor, "predict, then reveal", and a lesson's guided steps. Installed by main.ts with one
 * call; the timeline knows nothing of it but `setUiScale`, `showSpan` and `unselect`.
 */
import type { FromWebviewMessage, LessonStep } from '../../src/shared/protocol';
import type { TimelineView } from '../timeline/timelineView';
import { ReplayCursor } from './cursor';
import { LessonPlayer } from './lessonPlayer';
import { Presenter } from './presenter';
import { QueuesPanel } from './queues';
import { Replay } from './replay';
import { TeachBar } from './teachBar';

/** What main.ts and the test hooks reach of the teaching tools. */
export interface Teach {
  readonly bar: TeachBar;
  readonly queues: QueuesPanel;
  readonly replay: Replay;
  readonly presenter: Presenter;
  readonly lesson: LessonPlayer;
  /** The host's presenter setting, or a lesson's steps (undefined: none). */
  setPresenter(on: boolean): void;
  setLesson(title: string, steps: LessonStep[] | undefined): void;
  /** A new model was shown (hydrate): the replay starts over. */
  reset(): void;
}

/** True when a key press is typed into a field (the keys must not step then). */
function typing(ev: KeyboardEvent): boolean {
  const target = ev.target as HTMLElement | null;
  return (
    !!target &&
    (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.isContentEditable)
  );
}

/** Builds the teaching bar and queues panel into the page, and binds ← / → and Space. */
export function installTeach(
  view: TimelineView,
  before: HTMLElement,
  post: (message: FromWebviewMessage) => void,
): Teach {
  const queues = new QueuesPanel();
  const threads = view.threads;
  // The bar's actions call the replay, the lesson and presenter mode made below it.
  const bar = new TeachBar({
    togglePresenter: () => {
      presenter.set(!presenter.enabled);
      // The host keeps the setting, so other panels and the next one follow.
      post({ type: 'presenter', on: presenter.enabled });
    },
    step: (dir) => r.step(dir),
    togglePlay: () => r.clock.toggle(),
    setSpeed: (speed) => {
      r.clock.speed = speed;
    },
    setPredict: (on) => {
      r.predict = on;
    },
    lessonStep: (dir) => lesson.step(dir),
  });
  const cursor = new ReplayCursor(threads.section.body, threads.ruler, threads.viewport.box, (t) =>
    r.seek(t),
  );
  const presenter = new Presenter(view, (on) => bar.setPresenter(on));
  const r: Replay = new Replay(view, {
    cursor,
    queues: (model, timeNs) => {
      queues.root.hidden = false;
      queues.root.classList.toggle('asking', r.pendingRank >= 0);
      queues.update(model, timeNs);
    },
    caption: (text) => {
      bar.caption.textContent = text;
    },
    playing: (playing) => bar.setPlaying(playing),
    post,
  });
  const presenterOn = (): void => post({ type: 'presenter', on: true });
  const lesson = new LessonPlayer(r, view, presenter, presenterOn, (text) => {
    bar.caption.textContent = text;
  });
  lesson.onChange((text) => bar.setLesson(text));
  before.after(bar.root, queues.root);
  view.onWindowChange((change) => r.drawn(change));
  // Capture: while the replay is in use, ← / → step instead of panning.
  document.addEventListener(
    'keydown',
    (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev)) {
        return;
      }
      if (!r.active && !presenter.enabled) {
        return;
      }
      if (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') {
        r.step(ev.key === 'ArrowRight' ? 1 : -1);
      } else if (ev.key === ' ' && (ev.target as HTMLElement | null)?.tagName !== 'BUTTON') {
        r.clock.toggle();
      } else {
        return;
      }
      ev.preventDefault();
      ev.stopImmediatePropagation();
    },
    true,
  );
  return {
    bar,
    queues,
    replay: r,
    presenter,
    lesson,
    setPresenter: (on) => {
      if (on !== presenter.enabled) {
        presenter.set(on);
      }
    },
    setLesson: (title, steps) => lesson.load(title, steps),
    reset: () => {
      r.reset();
      queues.root.hidden = true;
      lesson.restart();
    },
  };
}
