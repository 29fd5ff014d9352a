package dev.llmclient;

/**
 * Whether and which tool the model must call ({@code tool_choice}).
 *
 * @param mode {@code auto}, {@code none}, {@code required}, or {@code function} for a
 * named function
 * @param functionName the function to call when {@code mode} is {@code function},
 * otherwise {@code null}
 * @since 0.1.0
 */
public record ToolChoice(String mode, String functionName) {

	/** The model chooses between answering and calling tools. */
	public static final ToolChoice AUTO = new ToolChoice("auto", null);

	/** The model does not call tools. */
	public static final ToolChoice NONE = new ToolChoice("none", null);

	/** The model calls at least one tool. */
	public static final ToolChoice REQUIRED = new ToolChoice("required", null);

	/**
	 * Creates a choice, checking it.
	 * @throws IllegalArgumentException when the mode is unknown or the function name does
	 * not fit it
	 */
	public ToolChoice {
		if (!"auto".equals(mode) && !"none".equals(mode) && !"required".equals(mode) && !"function".equals(mode)) {
			throw new IllegalArgumentException(
					"ToolChoice.mode must be auto, none, required or function, was '" + mode + "'");
		}
		if ("function".equals(mode) == (functionName == null || functionName.isBlank())) {
			throw new IllegalArgumentException("ToolChoice.functionName must be set for mode function, and only then");
		}
	}

	/**
	 * Makes the model call the named function.
	 * @param name the name of one of the request's tools
	 * @return the choice
	 */
	public static ToolChoice function(String name) {
		return new ToolChoice("function", name);
	}

}
