package dev.llmclient.internal;

import org.springframework.web.client.RestClient;

/**
 * Where a call goes and where it is recorded: the client's pooled {@link RestClient} and
 * its recorder for real calls; for the call warm-up runs in memory, a {@code RestClient}
 * over a canned answer, a recorder nobody reads, no observation, and an admission of its
 * own, so that warm-up spends none of the client's budgets. With several endpoints, each
 * has a route of its own, all sharing the client's admission, and each attempt takes the
 * route of the endpoint it goes to.
 *
 * @param restClient sends the call's attempts
 * @param recorder records how the call ended
 * @param observations observes the call, in traces
 * @param transport the endpoint's transport, whose URIs the attempts go to
 * @param admission lets the call in
 * @param failures builds the exceptions of the call's answers, naming the endpoint (and
 * its key setting) the attempt went to
 */
record Route(RestClient restClient, CallRecorder recorder, CallObservations observations, HttpTransport transport,
		Admission admission, Failures failures) {

}
