package dev.llmclient.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.EmbeddingRequest;
import dev.llmclient.EmbeddingResponse;

/**
 * What an observation of one LLM operation knows: the operation, the request and the
 * server it goes to from the start, the server's answer once it has come, and the
 * messages when content capture is switched on. A chat call carries a {@link ChatRequest}
 * and {@link ChatResponse}; an embeddings call (one slice of an {@code embed} call) an
 * {@link EmbeddingRequest} and {@link EmbeddingResponse} instead. A convention reads it
 * to name the observation and give it its key values.
 * <p>
 * A sender context of kind client, so tracers make its span a client span, as the GenAI
 * conventions ask; it carries no headers itself: each HTTP attempt is a child observation
 * of its own, which puts {@code traceparent} on the request.
 *
 * @since 0.1.0
 */
public class LlmObservationContext extends SenderContext<Object> {

	/** The {@code gen_ai.operation.name} of a chat completion, streamed or not. */
	public static final String CHAT = "chat";

	/**
	 * The {@code gen_ai.operation.name} of an embeddings request (one slice of an
	 * {@code embed} call).
	 */
	public static final String EMBEDDINGS = "embeddings";

	/**
	 * The {@code gen_ai.operation.name} of a call of the provider's Files API for a batch
	 * job (upload, read or delete a file).
	 */
	public static final String FILES = "files";

	/**
	 * The {@code gen_ai.operation.name} of a call of the provider's Batches API (create,
	 * poll or cancel a batch job).
	 */
	public static final String BATCHES = "batches";

	private final String operationName;

	private final ChatRequest request;

	private final EmbeddingRequest embeddingRequest;

	private final String requestModel;

	private final String serverAddress;

	private final int serverPort;

	private ChatResponse response;

	private EmbeddingResponse embeddingResponse;

	private String inputMessages;

	private String outputMessages;

	/**
	 * Creates the context of one operation.
	 * @param operationName the {@code gen_ai.operation.name}, such as {@value #CHAT}
	 * @param request what is sent
	 * @param requestModel the model asked for (the request's, else the client's default),
	 * or {@code null} when the server chooses
	 * @param serverAddress the host the request goes to
	 * @param serverPort the port the request goes to
	 */
	public LlmObservationContext(String operationName, ChatRequest request, String requestModel, String serverAddress,
			int serverPort) {
		this(operationName, request, null, requestModel, serverAddress, serverPort);
	}

	/**
	 * Creates the context of one embeddings request.
	 * @param request what is sent: the texts of one slice
	 * @param requestModel the model asked for (the request's, else the client's
	 * {@code embedding-model}), or {@code null} when the server chooses
	 * @param serverAddress the host the request goes to
	 * @param serverPort the port the request goes to
	 */
	public LlmObservationContext(EmbeddingRequest request, String requestModel, String serverAddress, int serverPort) {
		this(EMBEDDINGS, null, request, requestModel, serverAddress, serverPort);
	}

	/**
	 * Creates the context of a call that carries neither a chat nor an embeddings
	 * request, such as {@value #FILES} and {@value #BATCHES}.
	 * @param operationName the {@code gen_ai.operation.name}
	 * @param serverAddress the host the request goes to
	 * @param serverPort the port the request goes to
	 */
	public LlmObservationContext(String operationName, String serverAddress, int serverPort) {
		this(operationName, null, null, null, serverAddress, serverPort);
	}

	private LlmObservationContext(String operationName, ChatRequest request, EmbeddingRequest embeddingRequest,
			String requestModel, String serverAddress, int serverPort) {
		super(LlmObservationContext::noHeaders, Kind.CLIENT);
		this.operationName = operationName;
		this.request = request;
		this.embeddingRequest = embeddingRequest;
		this.requestModel = requestModel;
		this.serverAddress = serverAddress;
		this.serverPort = serverPort;
	}

	private static void noHeaders(Object carrier, String key, String value) {
		// the attempts' own observations propagate the trace
	}

	/**
	 * Returns the operation, the key further operations (embeddings, tool-loop rounds)
	 * are told apart by.
	 * @return the {@code gen_ai.operation.name}, such as {@value #CHAT}
	 */
	public String getOperationName() {
		return this.operationName;
	}

	/**
	 * Returns the chat request.
	 * @return what is sent, or {@code null} for an embeddings request
	 */
	public ChatRequest getRequest() {
		return this.request;
	}

	/**
	 * Returns the embeddings request.
	 * @return what is sent, or {@code null} for a chat request
	 */
	public EmbeddingRequest getEmbeddingRequest() {
		return this.embeddingRequest;
	}

	/**
	 * Returns the model asked for.
	 * @return the request's model, else the client's default, or {@code null}
	 */
	public String getRequestModel() {
		return this.requestModel;
	}

	/**
	 * Returns the host requests go to.
	 * @return the endpoint's host
	 */
	public String getServerAddress() {
		return this.serverAddress;
	}

	/**
	 * Returns the port requests go to.
	 * @return the endpoint's port, the scheme's default when the URL names none
	 */
	public int getServerPort() {
		return this.serverPort;
	}

	/**
	 * Returns the server's answer to a chat request.
	 * @return the answer, or {@code null} until it has come, when the call failed, and
	 * for an embeddings request
	 */
	public ChatResponse getResponse() {
		return this.response;
	}

	/**
	 * Sets the server's answer.
	 * @param response the answer
	 */
	public void setResponse(ChatResponse response) {
		this.response = response;
	}

	/**
	 * Returns the server's answer to an embeddings request.
	 * @return the answer, or {@code null} until it has come, when the call failed, and
	 * for a chat request
	 */
	public EmbeddingResponse getEmbeddingResponse() {
		return this.embeddingResponse;
	}

	/**
	 * Sets the server's answer to an embeddings request.
	 * @param embeddingResponse the answer
	 */
	public void setEmbeddingResponse(EmbeddingResponse embeddingResponse) {
		this.embeddingResponse = embeddingResponse;
	}

	/**
	 * Returns the request's messages as captured, already cut to
	 * {@code observations.max-content-length}.
	 * @return the messages as JSON, or {@code null} unless
	 * {@code observations.include-prompt} is set
	 */
	public String getInputMessages() {
		return this.inputMessages;
	}

	/**
	 * Sets the request's messages as captured.
	 * @param inputMessages the messages as JSON, cut to length
	 */
	public void setInputMessages(String inputMessages) {
		this.inputMessages = inputMessages;
	}

	/**
	 * Returns the answer as captured, already cut to
	 * {@code observations.max-content-length}.
	 * @return the answer as JSON, or {@code null} unless
	 * {@code observations.include-completion} is set and an answer came
	 */
	public String getOutputMessages() {
		return this.outputMessages;
	}

	/**
	 * Sets the answer as captured.
	 * @param outputMessages the answer as JSON, cut to length
	 */
	public void setOutputMessages(String outputMessages) {
		this.outputMessages = outputMessages;
	}

}
