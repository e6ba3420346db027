#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: one typed
// wrapper per kind of argument.
static inline CURLcode praxis_curl_set_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode praxis_curl_set_pointer(CURL *curl, CURLoption option, const void *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode praxis_curl_set_read_function(
    CURL *curl, size_t (*function)(char *buffer, size_t size, size_t count, void *context)) {
    return curl_easy_setopt(curl, CURLOPT_READFUNCTION, function);
}
static inline CURLcode praxis_curl_set_debug_function(
    CURL *curl, int (*function)(CURL *curl, curl_infotype type, char *data, size_t size, void *context)) {
    return curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, function);
}
static inline long praxis_curl_response_code(CURL *curl) {
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    return code;
}
