// The panel (webview-ui/main.ts) with the example lane registered: the one line a new lane adds
// (in the product, `view.addTrack(new ThreadStartsLane())` in main.ts).
import '../../../webview-ui/main';
import { ThreadStartsLane } from './threadStartsLane';

window.cvDebug!.timeline!.addTrack(new ThreadStartsLane());
