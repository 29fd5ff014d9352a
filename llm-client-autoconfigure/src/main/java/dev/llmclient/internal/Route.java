package dev.llmclient.internal;

import org.springframework.web.client.RestClient;

/**
 * Where a call goes and where it is recorded: the client's pooled {@link RestClient} and
 * its recorder for real calls; for the call warm-up runs in memory, a {@code RestClient}
 * over a canned answer and a recorder nobody reads.
 *
 * @param restClient sends the call's attempts
 * @param recorder records how the call ended
 */
record Route(RestClient restClient, CallRecorder recorder) {

}
