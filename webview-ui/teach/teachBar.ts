/**
 * The teaching bar under the toolbar: Presenter, step back / play / step forward, the replay
 * speed, "predict first", the caption (what runs, or a lesson's text) and a lesson's step
 * buttons. It only raises events: the replay controller decides what they do.
 */
import { el } from '../dom';
import { REPLAY_SPEEDS, type ReplaySpeed } from './replayClock';

/** What the bar's controls ask for. */
export interface TeachBarActions {
  togglePresenter(): void;
  step(dir: 1 | -1): void;
  togglePlay(): void;
  setSpeed(speed: ReplaySpeed): void;
  setPredict(on: boolean): void;
  lessonStep(dir: 1 | -1): void;
}

/** 'x0.05', or '1 callback / s'. */
function speedLabel(speed: ReplaySpeed): string {
  return speed === 'callback' ? '1 callback / s' : `${speed}x real time`;
}

/** The `#teach-bar` element and its controls. */
export class TeachBar {
  /** The bar's element. */
  readonly root: HTMLElement;
  readonly presenter = el('button', { id: 'presenter-toggle', text: 'Presenter' });
  readonly play = el('button', { id: 'replay-play', text: '▶ Play' });
  readonly caption = el('span', { id: 'teach-caption', className: 'teach-caption' });
  readonly lessonText = el('span', { id: 'lesson-step', className: 'lesson-step' });
  private readonly lesson: HTMLElement;

  constructor(actions: TeachBarActions) {
    this.presenter.title =
      'Presenter mode: everything larger, high contrast, idle lanes folded (Concurrency Visualizer: Toggle Presenter Mode)';
    this.presenter.setAttribute('aria-pressed', 'false');
    this.presenter.addEventListener('click', () => actions.togglePresenter());
    const back = el('button', { id: 'step-back', text: '◀ Step' });
    back.title = 'Step back one callback (←)';
    back.addEventListener('click', () => actions.step(-1));
    const forward = el('button', { id: 'step-forward', text: 'Step ▶' });
    forward.title = 'Step forward one callback (→)';
    forward.addEventListener('click', () => actions.step(1));
    this.play.title = 'Replay the trace: a cursor moves across the timeline (Space)';
    this.play.addEventListener('click', () => actions.togglePlay());
    const speed = el('select', { id: 'replay-speed' });
    speed.title = 'Replay speed';
    REPLAY_SPEEDS.forEach((s, i) => {
      const option = el('option', { text: speedLabel(s) });
      option.value = String(i);
      speed.append(option);
    });
    speed.value = String(REPLAY_SPEEDS.indexOf(0.1));
    speed.addEventListener('change', () => actions.setSpeed(REPLAY_SPEEDS[Number(speed.value)]));
    const predict = el('input', { id: 'predict' });
    predict.type = 'checkbox';
    predict.addEventListener('change', () => actions.setPredict(predict.checked));
    const predictLabel = el(
      'label',
      { className: 'predict' },
      predict,
      document.createTextNode(' Predict first'),
    );
    predictLabel.title =
      'Stepping forward first asks "what runs next?" and reveals on the next press';
    this.caption.setAttribute('role', 'status');
    this.caption.setAttribute('aria-live', 'polite');
    const prev = el('button', { id: 'lesson-prev', text: '◀ Back' });
    prev.addEventListener('click', () => actions.lessonStep(-1));
    const next = el('button', { id: 'lesson-next', text: 'Next ▶' });
    next.addEventListener('click', () => actions.lessonStep(1));
    this.lesson = el('span', { className: 'lesson-nav' }, prev, this.lessonText, next);
    this.lesson.hidden = true;
    this.root = el(
      'div',
      { id: 'teach-bar', className: 'teach-bar' },
      this.presenter,
      back,
      this.play,
      forward,
      speed,
      predictLabel,
      this.lesson,
      this.caption,
    );
    this.root.setAttribute('role', 'toolbar');
    this.root.setAttribute('aria-label', 'Replay and step');
  }

  /** Shows whether presenter mode is on. */
  setPresenter(on: boolean): void {
    this.presenter.setAttribute('aria-pressed', String(on));
  }

  /** Shows whether the replay plays. */
  setPlaying(playing: boolean): void {
    this.play.textContent = playing ? '❚❚ Pause' : '▶ Play';
  }

  /** Shows a lesson's step counter (hidden without a lesson). */
  setLesson(text: string | undefined): void {
    this.lesson.hidden = text === undefined;
    this.lessonText.textContent = text ?? '';
  }
}
