package dev.llmclient.internal.call;

import org.springframework.web.client.RestClient;
import dev.llmclient.internal.http.HttpTransport;
import dev.llmclient.internal.limits.ServerSignals;
import dev.llmclient.internal.recording.CallRecorder;
import dev.llmclient.internal.wire.Failures;

/**
 * Where an attempt goes and where the call is recorded: one endpoint's pooled
 * {@link RestClient} and recorder; for the call warm-up runs in memory, a
 * {@code RestClient} over a canned answer and a recorder nobody reads. A client of one
 * endpoint has one route; with several, each endpoint has its own, and each attempt takes
 * the route of the endpoint it goes to.
 *
 * @param restClient sends the call's attempts
 * @param recorder records how the call ended
 * @param transport the endpoint's transport, whose URIs the attempts go to
 * @param failures builds the exceptions of the call's answers, naming the endpoint (and
 * its key setting) the attempt went to
 * @param signals takes what each answer says of the server's limits
 */
public record Route(RestClient restClient, CallRecorder recorder, HttpTransport transport, Failures failures,
		ServerSignals signals) {

}
