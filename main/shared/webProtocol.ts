/** What the web server and the page's web bridge agree on; no Node imports, the renderer bundles it. */

/** the WebSocket subprotocol the page asks for; the server echoes it */
export const eventsProtocol = 'vskd-studio';

/** the subprotocol that carries the token on the events socket, as `vskd-token.<token>` */
export const tokenProtocolPrefix = 'vskd-token.';
