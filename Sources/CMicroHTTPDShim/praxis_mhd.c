#include "praxis_mhd.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

/* Leaves %XX escapes in the path and query as they came: the server decodes them itself, after
   splitting the path into segments, so that %2F stays inside a segment and %00 is refused
   instead of cutting the string short. */
static size_t praxis_keep_escaped(void *context, struct MHD_Connection *connection, char *text) {
    (void)context;
    (void)connection;
    return strlen(text);
}

/* libmicrohttpd 0.9.75 keeps every query parameter in the connection's fixed memory pool, and a
   query with a few hundred of them (a few KB) exhausts it: the connection is closed with no
   answer. Before it parses them, the query of such a request is cut off in place (the URI still
   lies in its read buffer), and the request is marked so that the access handler refuses it. */
static char praxis_refused_query_marker;

static void *praxis_refuse_long_query(void *context, const char *uri, struct MHD_Connection *connection) {
    (void)context;
    (void)connection;
    char *query = strchr(uri, '?');
    if (query == NULL) return NULL;
    size_t parameters = 1;
    for (const char *c = query + 1; *c != '\0'; c++) parameters += *c == '&';
    if (parameters <= PRAXIS_MAX_QUERY_PARAMETERS) return NULL;
    query[1] = '\0';
    return &praxis_refused_query_marker;
}

int praxis_mhd_query_refused(const void *connection_context) {
    return connection_context == &praxis_refused_query_marker;
}

struct MHD_Daemon *praxis_mhd_start(unsigned int flags,
                                    const char *host,
                                    uint16_t port,
                                    MHD_AccessHandlerCallback handler,
                                    void *handler_context,
                                    MHD_RequestCompletedCallback completed,
                                    void *completed_context,
                                    const struct MHD_OptionItem *options) {
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
    memset(&v4, 0, sizeof v4);
    memset(&v6, 0, sizeof v6);
    const struct sockaddr *address;
    if (inet_pton(AF_INET, host, &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(port);
        address = (const struct sockaddr *)&v4;
    } else if (inet_pton(AF_INET6, host, &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(port);
        address = (const struct sockaddr *)&v6;
        flags |= MHD_USE_IPv6;
    } else {
        return NULL;
    }
    return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_context,
                            MHD_OPTION_SOCK_ADDR, address,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completed_context,
                            MHD_OPTION_UNESCAPE_CALLBACK, praxis_keep_escaped, NULL,
                            MHD_OPTION_URI_LOG_CALLBACK, praxis_refuse_long_query, NULL,
                            MHD_OPTION_ARRAY, options,
                            MHD_OPTION_END);
}

uint16_t praxis_mhd_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

int praxis_mhd_client_address(struct MHD_Connection *connection, char *buffer, size_t length) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) return -1;
    const struct sockaddr *address = info->client_addr;
    const void *raw;
    if (address->sa_family == AF_INET) {
        raw = &((const struct sockaddr_in *)address)->sin_addr;
    } else if (address->sa_family == AF_INET6) {
        raw = &((const struct sockaddr_in6 *)address)->sin6_addr;
    } else {
        return -1;
    }
    return inet_ntop(address->sa_family, raw, buffer, (socklen_t)length) == NULL ? -1 : 0;
}
