// The guided lessons' steps (src/shared/lessonSteps.ts) as lessons.json carries them, and the
// checks that keep a damaged or hand-written script from reaching the panel unchecked.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseLessonSteps } from '../../src/shared/lessonSteps';

const LESSONS = path.resolve(__dirname, '..', '..', 'examples', 'lessons');

describe('guided lesson steps', () => {
  it('lessons 1, 2, 5, 7 and 8 have steps, every one valid and naming a line of its lesson', () => {
    const lessons = JSON.parse(fs.readFileSync(path.join(LESSONS, 'lessons.json'), 'utf8')) as {
      file: string;
      steps?: unknown[];
    }[];
    const withSteps = lessons.filter((l) => l.steps).map((l) => l.file.slice(0, 2));
    assert.deepEqual(withSteps, ['01', '02', '05', '07', '08']);
    for (const lesson of lessons.filter((l) => l.steps)) {
      const steps = parseLessonSteps(lesson.steps);
      assert.equal(steps.length, lesson.steps!.length, `${lesson.file}: every step kept`);
      const lines = fs.readFileSync(path.join(LESSONS, lesson.file), 'utf8').split('\n').length;
      for (const step of steps) {
        assert.ok(
          step.span || step.atMs !== undefined,
          `${lesson.file}: "${step.caption}" goes somewhere`,
        );
        if (step.span?.line !== undefined) {
          assert.ok(step.span.line <= lines, `${lesson.file}: line ${step.span.line} exists`);
        }
      }
    }
  });

  it('leaves out what is not a step and bounds what is', () => {
    const steps = parseLessonSteps([
      {
        caption: 'ok',
        atMs: 5,
        windowMs: 2,
        lanes: ['main', 3],
        span: { type: 'Timeout', line: 4, nth: 2 },
      },
      { atMs: 5 },
      'text',
      null,
      { caption: 'x'.repeat(2000), atMs: -1, windowMs: 0, span: { line: 1.5, nth: 0 } },
    ]);
    assert.deepEqual(steps, [
      {
        caption: 'ok',
        atMs: 5,
        windowMs: 2,
        lanes: ['main'],
        span: { type: 'Timeout', line: 4, nth: 2 },
      },
      { caption: 'x'.repeat(500), span: {} },
    ]);
    assert.deepEqual(parseLessonSteps({ caption: 'not an array' }), []);
    assert.equal(
      parseLessonSteps(Array.from({ length: 500 }, () => ({ caption: 'c' }))).length,
      200,
    );
  });
});
