/**
 * The replay's clock: while playing, it moves a cursor time forward on every animation frame
 * (a FrameTask that asks for the next frame), at a fraction of real time or one callback per
 * second. It knows nothing of the DOM: the replay controller draws the cursor and follows it.
 */
import { FrameTask } from '../timeline/frameLoop';

/** A speed: a fraction of real time, or 'callback' (one callback per second). */
export type ReplaySpeed = number | 'callback';

/** The speeds offered, slowest first. */
export const REPLAY_SPEEDS: ReplaySpeed[] = [0.05, 0.1, 0.25, 0.5, 1, 'callback'];

/** What the clock drives. */
export interface ClockTarget {
  /** Moves the cursor by `deltaNs` of trace time; returns false at the trace's end (stops). */
  advance(deltaNs: number): boolean;
  /** Steps one callback forward; returns false at the last one (stops). */
  stepCallback(): boolean;
  /** Called when playing starts or stops. */
  playingChanged(playing: boolean): void;
}

/** One callback per this many ms of wall time at the 'callback' speed. */
const CALLBACK_PERIOD_MS = 1000;
/** A frame later than this (a hidden panel) advances by this much only. */
const MAX_FRAME_MS = 100;

/** Plays trace time forward on animation frames. */
export class ReplayClock {
  speed: ReplaySpeed = 0.1;
  private playing = false;
  private lastMs = 0;
  private sinceStepMs = 0;
  private readonly task = new FrameTask(() => this.tick());

  constructor(private readonly target: ClockTarget) {}

  /** Whether it is playing. */
  get isPlaying(): boolean {
    return this.playing;
  }

  /** Starts playing from the cursor. */
  play(): void {
    if (this.playing) {
      return;
    }
    this.playing = true;
    this.lastMs = performance.now();
    this.sinceStepMs = 0;
    this.target.playingChanged(true);
    this.task.request();
  }

  /** Stops playing; the cursor stays. */
  pause(): void {
    if (!this.playing) {
      return;
    }
    this.playing = false;
    this.target.playingChanged(false);
  }

  /** Plays or pauses. */
  toggle(): void {
    if (this.playing) {
      this.pause();
    } else {
      this.play();
    }
  }

  private tick(): void {
    if (!this.playing) {
      return;
    }
    const nowMs = performance.now();
    const dtMs = Math.min(MAX_FRAME_MS, Math.max(0, nowMs - this.lastMs));
    this.lastMs = nowMs;
    let more: boolean;
    if (this.speed === 'callback') {
      this.sinceStepMs += dtMs;
      more = true;
      if (this.sinceStepMs >= CALLBACK_PERIOD_MS) {
        this.sinceStepMs -= CALLBACK_PERIOD_MS;
        more = this.target.stepCallback();
      }
    } else {
      more = this.target.advance(dtMs * 1e6 * this.speed);
    }
    if (more) {
      this.task.request();
    } else {
      this.pause();
    }
  }
}
