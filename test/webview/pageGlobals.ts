// What page.evaluate callbacks may touch in the panel page, typed just enough: the host tsconfig
// (which checks the tests) has no DOM lib, and must not get one.

/** A message the page posted through the fake VS Code API. */
export interface PostedMessage {
  type: string;
  position?: { file: string; line: number; column: number };
}

/** The parts of an element the tests read. */
export interface PageElement {
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  width: number;
  getBoundingClientRect(): { width: number; height: number };
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  } | null;
}

/** `document` in the page. */
export interface PageDocument {
  getElementById(id: string): PageElement | null;
  documentElement: { style: { setProperty(name: string, value: string): void } };
  body: { className: string };
}

/** `window` in the page: the harness's recordings and the panel's cvDebug hook. */
export interface PageWindow {
  __posted: PostedMessage[];
  __state: unknown;
  __cspViolations: string[];
  postMessage(message: unknown, targetOrigin: string): void;
  cvDebug: {
    findSpan(query: object): { x: number; y: number } | undefined;
    state(): { lanes: number; spans: number; resources: number; status?: string };
  };
}
