package dev.llmclient.internal;

import org.springframework.web.client.RestClient;

/**
 * Where a call goes and where it is recorded: the client's pooled {@link RestClient} and
 * its recorder for real calls; for the call warm-up runs in memory, a {@code RestClient}
 * over a canned answer, a recorder nobody reads, no observation, and an admission of its
 * own, so that warm-up spends none of the client's budgets.
 *
 * @param restClient sends the call's attempts
 * @param recorder records how the call ended
 * @param observations observes the call, in traces
 * @param admission lets the call in
 */
record Route(RestClient restClient, CallRecorder recorder, CallObservations observations, Admission admission) {

}
