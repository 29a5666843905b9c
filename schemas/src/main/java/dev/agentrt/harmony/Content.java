package dev.agentrt.harmony;

/** One content item of a message; items are rendered in order with no separator. */
public sealed interface Content permits TextContent, SystemContent, DeveloperContent {
}
