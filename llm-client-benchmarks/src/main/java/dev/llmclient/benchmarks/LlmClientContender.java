package dev.llmclient.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;

/**
 * This project's client, as {@code LlmClient.builder()} makes it: pool and bulkhead of
 * {@code poolSize}, retries off, and either Micrometer metrics into a {@link SimpleMeterRegistry}
 * (what a Boot application with Actuator gets) or no metrics at all.
 */
final class LlmClientContender implements Contender {

    private final LlmClient client;

    LlmClientContender(String baseUrl, int poolSize, boolean metrics) {
        this(baseUrl, poolSize, metrics, true, 1000);
    }

    LlmClientContender(String baseUrl, int poolSize, boolean metrics, boolean eagerInit, int maxLatencyRecords) {
        this.client = LlmClient.builder()
            .endpoint(baseUrl)
            .apiKey(API_KEY)
            .model(MODEL)
            .maxConcurrent(poolSize)
            .maxWait(READ_TIMEOUT)
            .connectTimeout(CONNECT_TIMEOUT)
            .readTimeout(READ_TIMEOUT)
            .retryEnabled(false)
            .eagerInit(eagerInit)
            .maxLatencyRecords(maxLatencyRecords)
            .meterRegistry(metrics ? new SimpleMeterRegistry() : null)
            .build();
    }

    LlmClient client() {
        return this.client;
    }

    @Override
    public String call(String prompt) {
        return this.client.generate(prompt);
    }

    @Override
    public int batch(List<String> prompts, ExecutorService pool) {
        List<CompletableFuture<?>> futures = new ArrayList<>(prompts.size());
        for (String prompt : prompts) {
            futures.add(this.client.chatAsync(ChatRequest.of(prompt)));
        }
        int failures = 0;
        for (CompletableFuture<?> future : futures) {
            try {
                future.join();
            }
            catch (CompletionException ex) {
                failures++;
            }
        }
        return failures;
    }

    @Override
    public void close() {
        this.client.close();
    }

}
