package dev.llmclient.sample;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * What {@code POST /api/extract} pulls out of a text: the record's strict JSON schema is
 * what the model is asked to follow.
 *
 * @param name the person's full name
 * @param email their email address, when the text has one
 * @param company the company they work for, when the text says
 * @param topics what the text is about
 */
record ContactCard(@JsonPropertyDescription("Full name of the person") String name,
		@JsonPropertyDescription("Email address, if the text has one") Optional<String> email,
		@JsonPropertyDescription("Company the person works for, if the text says") Optional<String> company,
		@JsonPropertyDescription("Topics the text is about, a few words each") List<String> topics) {
}
