package dev.llmclient;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The prices of the models a client calls, per million tokens, as the application
 * configures them ({@code pricing.*}); none are bundled, since providers change their
 * prices and self-hosted models cost what their hardware costs. A call of a priced model
 * gets a {@link Cost} ({@link ChatResponse#cost()}, {@link EmbeddingResponse#cost()}),
 * counted in {@code llm.client.cost} and summed by batches and tool loops.
 * <p>
 * A model is found by the name the server answered with, then by the name the request
 * asked for, each first as written and then without a date suffix
 * ({@code gpt-4o-2024-08-06} and {@code claude-3-5-sonnet-20240620} are priced as
 * {@code gpt-4o} and {@code claude-3-5-sonnet} unless priced themselves). Nothing else is
 * guessed: {@code gpt-4o-mini} is never priced as {@code gpt-4o}.
 * <p>
 * Part of {@link LlmClientSettings}; changed through {@link LlmClientBuilder#pricing}.
 *
 * @param currency the currency the prices are in, such as {@code USD}
 * ({@code pricing.currency})
 * @param batchDiscount the fraction taken off for calls run as a provider batch job, from
 * 0 (none) to 1, such as {@code 0.5} for OpenAI's Batch API
 * ({@code pricing.batch-discount})
 * @param models the price of each model by name ({@code pricing.models[<model>].*})
 * @since 0.1.0
 */
public record PricingSettings(String currency, BigDecimal batchDiscount, Map<String, ModelPrice> models) {

	/** The defaults: no model priced; prices in USD; no batch discount. */
	public static final PricingSettings DEFAULTS = new PricingSettings("USD", BigDecimal.ZERO, Map.of());

	private static final Pattern DATE_SUFFIX = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{8})$");

	/**
	 * Checks every value.
	 * @throws LlmClientSettingException naming the invalid setting
	 */
	public PricingSettings {
		currency = SettingChecks.blankToNull(currency);
		if (currency == null) {
			throw new LlmClientSettingException("pricing.currency", currency,
					"must not be blank: set the currency the prices are in, e.g. USD");
		}
		if (batchDiscount == null || batchDiscount.signum() < 0 || batchDiscount.compareTo(BigDecimal.ONE) > 0) {
			throw new LlmClientSettingException("pricing.batch-discount", batchDiscount,
					"must be between 0 and 1, e.g. 0.5 for half price");
		}
		Map<String, ModelPrice> checked = new LinkedHashMap<>();
		if (models != null) {
			models.forEach((model, price) -> {
				if (model == null || model.isBlank()) {
					throw new LlmClientSettingException("pricing.models", model, "must name a model");
				}
				if (price == null) {
					throw new LlmClientSettingException("pricing.models[" + model + "].input", null,
							"is required: the price of a million input tokens, e.g. 2.50");
				}
				price.check(model);
				checked.put(model, price);
			});
		}
		models = Map.copyOf(checked);
	}

	/**
	 * Returns whether any model is priced.
	 * @return {@code true} when {@code pricing.models} is not empty
	 */
	public boolean isEmpty() {
		return this.models.isEmpty();
	}

	/**
	 * Returns the price of a model, found as the class describes.
	 * @param answeredModel the model the server answered with, or {@code null}
	 * @param requestedModel the model the request asked for, or {@code null}
	 * @return the price, or empty when the model is not priced
	 */
	public Optional<ModelPrice> priceOf(String answeredModel, String requestedModel) {
		if (this.models.isEmpty()) {
			return Optional.empty();
		}
		ModelPrice price = find(answeredModel);
		return Optional.ofNullable((price != null) ? price : find(requestedModel));
	}

	private ModelPrice find(String model) {
		if (model == null) {
			return null;
		}
		ModelPrice price = this.models.get(model);
		if (price == null) {
			String undated = DATE_SUFFIX.matcher(model).replaceFirst("");
			price = (undated.length() < model.length()) ? this.models.get(undated) : null;
		}
		return price;
	}

	/**
	 * Returns what a call cost.
	 * @param answeredModel the model the server answered with, or {@code null}
	 * @param requestedModel the model the request asked for, or {@code null}
	 * @param usage the usage the server reported, or {@code null}
	 * @return the cost, or empty when the model is not priced or there is no usage
	 */
	public Optional<Cost> cost(String answeredModel, String requestedModel, Usage usage) {
		return cost(answeredModel, requestedModel, usage, false);
	}

	/**
	 * Returns what a call cost, less {@code batch-discount} for a call run as a provider
	 * batch job.
	 * @param answeredModel the model the server answered with, or {@code null}
	 * @param requestedModel the model the request asked for, or {@code null}
	 * @param usage the usage the server reported, or {@code null}
	 * @param batchJob whether the call ran as a provider batch job
	 * @return the cost, or empty when the model is not priced or there is no usage
	 */
	public Optional<Cost> cost(String answeredModel, String requestedModel, Usage usage, boolean batchJob) {
		if (usage == null) {
			return Optional.empty();
		}
		return priceOf(answeredModel, requestedModel).map((price) -> {
			BigDecimal amount = price.amount(usage);
			if (batchJob && this.batchDiscount.signum() > 0) {
				amount = amount.multiply(BigDecimal.ONE.subtract(this.batchDiscount));
			}
			return new Cost(amount, this.currency);
		});
	}

	/**
	 * Returns a copy with another currency.
	 * @param currency the currency, such as {@code EUR}
	 * @return the copy
	 */
	public PricingSettings withCurrency(String currency) {
		return new PricingSettings(currency, this.batchDiscount, this.models);
	}

	/**
	 * Returns a copy with another batch discount.
	 * @param batchDiscount from 0 to 1
	 * @return the copy
	 */
	public PricingSettings withBatchDiscount(BigDecimal batchDiscount) {
		return new PricingSettings(this.currency, batchDiscount, this.models);
	}

	/**
	 * Returns a copy with these models priced, in place of the ones before.
	 * @param models the price of each model by name
	 * @return the copy
	 */
	public PricingSettings withModels(Map<String, ModelPrice> models) {
		return new PricingSettings(this.currency, this.batchDiscount, models);
	}

	/**
	 * Returns a copy with one more model priced (or its price replaced).
	 * @param model the model's name, as requests or the server name it
	 * @param price its price
	 * @return the copy
	 */
	public PricingSettings withModel(String model, ModelPrice price) {
		Map<String, ModelPrice> more = new LinkedHashMap<>(this.models);
		more.put(model, price);
		return new PricingSettings(this.currency, this.batchDiscount, more);
	}

	/**
	 * The price of one model, per million tokens, in {@link PricingSettings#currency()}.
	 * Reasoning tokens are output tokens, and priced as such; tokens written to a prompt
	 * cache are priced as input.
	 *
	 * @param input the price of a million prompt tokens not served from the cache
	 * ({@code pricing.models.<model>.input})
	 * @param cachedInput the price of a million prompt tokens served from the cache, or
	 * {@code null} to price them as input ({@code pricing.models.<model>.cached-input})
	 * @param output the price of a million generated tokens, or {@code null} for a model
	 * that generates none, such as an embedding model
	 * ({@code pricing.models.<model>.output})
	 * @since 0.1.0
	 */
	public record ModelPrice(BigDecimal input, BigDecimal cachedInput, BigDecimal output) {

		/**
		 * Creates the price of a model that generates tokens.
		 * @param input per million prompt tokens
		 * @param output per million generated tokens
		 * @return the price, cached prompt tokens priced as input
		 */
		public static ModelPrice of(String input, String output) {
			return new ModelPrice(new BigDecimal(input), null, new BigDecimal(output));
		}

		void check(String model) {
			if (this.input == null) {
				throw new LlmClientSettingException("pricing.models[" + model + "].input", null,
						"is required: the price of a million input tokens, e.g. 2.50 (0 for a self-hosted model)");
			}
			notNegative("pricing.models[" + model + "].input", this.input);
			notNegative("pricing.models[" + model + "].cached-input", this.cachedInput);
			notNegative("pricing.models[" + model + "].output", this.output);
		}

		private static void notNegative(String setting, BigDecimal price) {
			if (price != null && price.signum() < 0) {
				throw new LlmClientSettingException(setting, price, "must be zero or more, per million tokens");
			}
		}

		/**
		 * Returns what a call with this usage costs at this price.
		 * @param usage the usage
		 * @return the amount
		 */
		public BigDecimal amount(Usage usage) {
			BigDecimal perMillion = this.input.multiply(BigDecimal.valueOf(usage.uncachedInputTokens()));
			if (usage.cachedInputTokens() != null) {
				BigDecimal cached = (this.cachedInput != null) ? this.cachedInput : this.input;
				perMillion = perMillion.add(cached.multiply(BigDecimal.valueOf(usage.cachedInputTokens())));
			}
			if (this.output != null) {
				perMillion = perMillion.add(this.output.multiply(BigDecimal.valueOf(usage.outputTokens())));
			}
			return perMillion.movePointLeft(6);
		}

		/**
		 * Returns the most a call may cost: every prompt token uncached and the most
		 * output it may generate, as the spend budget reserves it.
		 * @param inputTokens the prompt tokens, estimated
		 * @param outputTokens the most output tokens
		 * @return the amount
		 */
		public BigDecimal estimate(long inputTokens, long outputTokens) {
			BigDecimal perMillion = this.input.multiply(BigDecimal.valueOf(inputTokens));
			if (this.output != null) {
				perMillion = perMillion.add(this.output.multiply(BigDecimal.valueOf(outputTokens)));
			}
			return perMillion.movePointLeft(6);
		}

	}

}
