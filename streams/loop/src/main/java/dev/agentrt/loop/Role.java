package dev.agentrt.loop;

/** Author role of a conversation message (openai-harmony's {@code Role}). */
public enum Role { SYSTEM, DEVELOPER, USER, ASSISTANT, TOOL }
