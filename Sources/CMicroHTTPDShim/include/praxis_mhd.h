#ifndef PRAXIS_MHD_H
#define PRAXIS_MHD_H

#include <stddef.h>
#include <stdint.h>
#include <microhttpd.h>

/// Starts a daemon bound to `host` (an IPv4 or IPv6 literal) and `port` (0 = chosen by the OS).
/// `options` is an MHD_OPTION_END-terminated array. The path and query reach the access handler
/// still percent-encoded. Returns NULL when the daemon cannot start.
struct MHD_Daemon *praxis_mhd_start(unsigned int flags,
                                    const char *host,
                                    uint16_t port,
                                    MHD_AccessHandlerCallback handler,
                                    void *handler_context,
                                    MHD_RequestCompletedCallback completed,
                                    void *completed_context,
                                    const struct MHD_OptionItem *options);

/// Requests whose query holds more parameters than this reach the access handler with none, and
/// with a connection context for which `praxis_mhd_query_refused` answers 1.
#define PRAXIS_MAX_QUERY_PARAMETERS 100

/// Whether a request's connection context marks a query refused for its number of parameters.
int praxis_mhd_query_refused(const void *connection_context);

/// The port the daemon listens on, or 0.
uint16_t praxis_mhd_bound_port(struct MHD_Daemon *daemon);

/// Writes the peer address of `connection` as text into `buffer`; returns 0 on success.
int praxis_mhd_client_address(struct MHD_Connection *connection, char *buffer, size_t length);

#endif
