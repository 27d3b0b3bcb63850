// Entry of the Cluster dashboard webview. Messages from the extension are validated, queued and
// applied together once per animation frame, so a burst of cluster changes costs one redraw; the
// view's own state (namespace, scroll position) is kept with setState for when VS Code hides and
// restores the panel or reloads the window.
import '../common/webview.css';
import './dashboard.css';
import { isHostMessage, type WebviewMessage } from '../../extension/webviews/protocol/dashboard';
import { isNumber, isObject, isOptional, isString } from '../../extension/webviews/protocol/guards';
import { onHostMessagesPerFrame, onScrollY, viewState } from '../common/panelPage';
import { vscodeApi } from '../common/vscodeApi';
import { DashboardState, noDirt } from './dashboardState';
import { DashboardView } from './dashboardView';

interface ViewState {
  readonly namespace: string | undefined;
  readonly scrollY: number;
}

const isViewState = isObject<ViewState>({ namespace: isOptional(isString), scrollY: isNumber });

const vscode = vscodeApi<ViewState, WebviewMessage>();
const viewed = viewState(isViewState, { namespace: undefined, scrollY: 0 });

const state = new DashboardState();
const view = new DashboardView(state, {
  post: (message) => vscode.postMessage(message),
  namespace: viewed.current.namespace,
  onNamespaceChange: (namespace) => viewed.save({ namespace }),
});

let restoreScroll = viewed.saved !== undefined;

onHostMessagesPerFrame(isHostMessage, (messages) => {
  const dirty = noDirt();
  for (const message of messages) state.apply(message, dirty);
  view.render(dirty);
  if (restoreScroll && dirty.reset) {
    restoreScroll = false;
    window.scrollTo(0, viewed.current.scrollY);
  }
});

onScrollY((scrollY) => viewed.save({ scrollY }));

vscode.postMessage({ type: 'ready' });
