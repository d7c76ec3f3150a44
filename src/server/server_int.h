/* SPDX-License-Identifier: MIT */
/* What the files of the server share and nobody else needs. */
#ifndef KZ_SERVER_INT_H
#define KZ_SERVER_INT_H

#include <microhttpd.h>

/* The callbacks the daemon is started with (http.c). */
enum MHD_Result kz_http_on_request(void *cls, struct MHD_Connection *conn,
    const char *url, const char *method, const char *version,
    const char *upload_data, size_t *upload_data_size, void **con_cls);
void kz_http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe);

#endif
