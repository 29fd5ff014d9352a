package dev.llmclient.benchmarks;

/** The contenders, in the order the tables list them. */
enum ContenderKind {

	FLOOR("RestClient + HC5 (floor)") {
		@Override
		Contender create(String baseUrl, int poolSize) {
			return new RestClientFloor(baseUrl, poolSize);
		}
	},

	LLM_CLIENT("llm-client") {
		@Override
		Contender create(String baseUrl, int poolSize) {
			return new LlmClientContender(baseUrl, poolSize, true);
		}
	},

	LLM_CLIENT_NO_METRICS("llm-client, no metrics") {
		@Override
		Contender create(String baseUrl, int poolSize) {
			return new LlmClientContender(baseUrl, poolSize, false);
		}
	},

	JDK("java.net.http (raw)") {
		@Override
		Contender create(String baseUrl, int poolSize) {
			return new JdkHttpClientRaw(baseUrl, poolSize);
		}
	},

	SPRING_AI("Spring AI 2.0.1") {
		@Override
		Contender create(String baseUrl, int poolSize) {
			return new SpringAiContender(baseUrl, poolSize);
		}
	},

	LANGCHAIN4J("LangChain4j 1.19") {
		@Override
		Contender create(String baseUrl, int poolSize) {
			return new LangChain4jContender(baseUrl, poolSize);
		}
	},

	RAW_SOCKET("raw socket (stub check)") {
		@Override
		Contender create(String baseUrl, int poolSize) {
			return new RawSocketClient(baseUrl);
		}
	};

	private final String label;

	ContenderKind(String label) {
		this.label = label;
	}

	String label() {
		return this.label;
	}

	abstract Contender create(String baseUrl, int poolSize);

}
