// Entry of the Topology webview. Messages from the extension are validated, queued and applied
// together once per animation frame, so a burst of cluster changes costs one redraw (and at most one
// layout); the filters are kept with setState for when VS Code hides and restores the panel or
// reloads the window.
import '../common/webview.css';
import './topology.css';
import { isObject, isString } from '../../extension/webviews/protocol/guards';
import { type ChangesMessage, type HostMessage, type InitMessage, isHostMessage, type RequestPathMessage, type WebviewMessage } from '../../extension/webviews/protocol/topology';
import { onHostMessage, savedState, vscodeApi } from '../common/vscodeApi';
import { type Filter, noChange, TopologyGraph } from './topologyGraph';
import { TopologyView } from './topologyView';

const isFilter = isObject<Filter>({ namespace: isString, selector: isString });

const vscode = vscodeApi<Filter, WebviewMessage>();
const graph = new TopologyGraph();
const view = new TopologyView(graph, {
  post: (message) => vscode.postMessage(message),
  filter: savedState(isFilter) ?? { namespace: '', selector: '' },
  onFilterChange: (filter) => vscode.setState(filter),
});

let queue: (InitMessage | ChangesMessage)[] = [];
let request: RequestPathMessage | undefined;

function flush(): void {
  const change = noChange();
  for (const message of queue) graph.apply(message, change);
  queue = [];
  view.render(change);
  // After the graph it walks is drawn.
  if (request) view.showRequest(request);
  request = undefined;
}

onHostMessage(isHostMessage, (message: HostMessage) => {
  const idle = !queue.length && !request;
  if (message.type === 'requestPath') request = message;
  else {
    // A snapshot supersedes whatever was queued before it.
    if (message.type === 'init') queue = [];
    queue.push(message);
  }
  if (idle) requestAnimationFrame(flush);
});

vscode.postMessage({ type: 'ready' });
