package dev.llmclient.autoconfigure;

import java.util.ArrayList;
import java.util.Map;

import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.RuntimeBeanReference;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

import dev.llmclient.LlmClient;
import dev.llmclient.internal.DefaultLlmClient;

/**
 * Registers a client per entry of {@code llm.clients.<name>.*}: an {@link LlmClient} bean
 * named {@code <name>}, with qualifier {@code <name>}, and its
 * {@link LlmClientLifecycle}. Each takes every key of {@code llm.client.*}, a key it
 * leaves unset keeping the value under {@code llm.client.*} (see {@link #properties}).
 * The clients are not default candidates: they are injected by qualifier, and the
 * auto-configured client stays the one injected without one (and does not back off for
 * them).
 */
final class LlmClientsRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanClassLoaderAware {

	static final String PREFIX = "llm.clients";

	private Environment environment;

	private ClassLoader classLoader;

	@Override
	public void setBeanClassLoader(ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Binder binder = Binder.get(this.environment);
		Map<String, LlmClientProperties> entries = binder
			.bind(PREFIX, Bindable.mapOf(String.class, LlmClientProperties.class))
			.orElseGet(Map::of);
		for (String name : entries.keySet()) {
			LlmClientProperties properties = properties(binder, name);
			if (!properties.isEnabled()) {
				continue;
			}
			RootBeanDefinition client = factoryMethod(LlmClientsRegistrar.class, "create", name);
			client.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
			registry.registerBeanDefinition(name, client);
			RootBeanDefinition lifecycle = new RootBeanDefinition(LlmClientLifecycle.class);
			lifecycle.getConstructorArgumentValues().addIndexedArgumentValue(0, new RuntimeBeanReference(name));
			lifecycle.setDefaultCandidate(false);
			registry.registerBeanDefinition(name + "LlmClientLifecycle", lifecycle);
			LlmClusterAutoConfiguration.registerClusterLimits(registry, name, properties, this.classLoader);
		}
	}

	/**
	 * A bean made by a static factory method from the client's name and the beans it asks
	 * for: a definition that Spring's AOT processing can write as code.
	 * @param name the client's name, the factory method's first argument
	 */
	static RootBeanDefinition factoryMethod(Class<?> factory, String method, String name) {
		RootBeanDefinition definition = new RootBeanDefinition(factory);
		definition.setFactoryMethodName(method);
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, name);
		definition.setAutowireMode(AbstractBeanDefinition.AUTOWIRE_CONSTRUCTOR);
		definition.setDefaultCandidate(false);
		return definition;
	}

	/**
	 * Creates the client of an entry of {@code llm.clients}, as the auto-configured
	 * client is created.
	 * @param name the entry's name
	 * @param environment where its properties are
	 * @param beanFactory where the configurer, SSL bundles and its cluster-wide limits
	 * are
	 * @return the client, not warmed up yet: its lifecycle does that
	 */
	static DefaultLlmClient create(String name, Environment environment, ListableBeanFactory beanFactory) {
		LlmClientProperties properties = properties(Binder.get(environment), name);
		return LlmClientAutoConfiguration.create(name, prefix(name), properties,
				new PropertiesLlmClientConnectionDetails(properties),
				beanFactory.getBean(LlmClientBuilderConfigurer.class),
				beanFactory.getBeanProvider(SslBundles.class).getIfAvailable(), beanFactory);
	}

	/**
	 * The prefix a client's messages put before a setting's path.
	 * @param name the client's name
	 * @return {@code llm.clients.<name>.}
	 */
	static String prefix(String name) {
		return PREFIX + "." + name + ".";
	}

	/**
	 * Binds a named client's properties: first {@code llm.client.*}, then
	 * {@code llm.clients.<name>.*} over them, so a key the entry sets wins and a key it
	 * leaves unset keeps the value under {@code llm.client.*} (nested keys one by one; a
	 * list, such as {@code endpoints}, as a whole). Two exceptions: where the server is
	 * ({@code endpoint} or {@code endpoints}) is inherited only when the entry sets
	 * neither, and {@code cluster.key} is never inherited, so that each client has limits
	 * of its own unless it names a shared key.
	 * @param binder the binder of the environment
	 * @param name the entry's name
	 * @return the properties of the client
	 */
	static LlmClientProperties properties(Binder binder, String name) {
		LlmClientProperties properties = binder.bind("llm.client", LlmClientProperties.class)
			.orElseGet(LlmClientProperties::new);
		String prefix = PREFIX + "." + name;
		if (!ConfigurationPropertyName.isValid(prefix)) {
			throw new InvalidConfigurationPropertyValueException(PREFIX, name,
					"is not a valid client name: use lower-case letters, digits and '-', such as fast");
		}
		boolean ownServer = binder.bind(prefix + ".endpoint", String.class).isBound()
				|| binder.bind(prefix + ".endpoints", Bindable.listOf(LlmClientProperties.Endpoint.class)).isBound();
		if (ownServer) {
			properties.setEndpoint(null);
			properties.setEndpoints(new ArrayList<>());
		}
		properties.getCluster().setKey(null);
		binder.bind(prefix, Bindable.ofInstance(properties));
		return properties;
	}

}
