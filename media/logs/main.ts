// Entry of the Logs webview. Messages from the extension are validated and applied as they come
// (appending lines is cheap); the view draws at most once per animation frame. Follow, previous,
// the search and the filtered-out sources are kept with setState, for when VS Code hides and
// restores the panel or reloads the window; the extension streams the lines again on `ready`.
import '../common/webview.css';
import '../common/fillPanel.css';
import './logs.css';
import { isArrayOf, isBoolean, isObject, isOptional, isString } from '../../extension/webviews/protocol/guards';
import { isHostMessage, isLogTarget, type WebviewMessage } from '../../extension/webviews/protocol/logs';
import { onHostMessage, savedState, vscodeApi } from '../common/vscodeApi';
import { LogView, type LogViewState } from './logView';

/** Lines kept: older ones fall off the front. */
export const capacity = 50_000;

const isViewState = isObject<LogViewState>({ target: isOptional(isLogTarget), follow: isBoolean, previous: isBoolean, query: isString, hidden: isArrayOf(isString) });

const vscode = vscodeApi<LogViewState, WebviewMessage>();
const state: LogViewState = savedState(isViewState) ?? { target: undefined, follow: true, previous: false, query: '', hidden: [] };

const view = new LogView({
  post: (message) => vscode.postMessage(message),
  capacity,
  state,
  onStateChange: (next) => vscode.setState(next),
});

onHostMessage(isHostMessage, (message) => {
  switch (message.type) {
    case 'init':
      return view.init(message);
    case 'sources':
      return view.setSources(message.sources);
    case 'lines':
      return view.append(message.source, message.text);
  }
});

vscode.postMessage({ type: 'ready', previous: state.previous });
