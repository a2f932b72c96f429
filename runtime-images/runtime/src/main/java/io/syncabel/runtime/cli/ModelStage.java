package io.syncabel.runtime.cli;

/**
 * A stage that computes with the native engine (train, link, rerank, evaluate, serve): before it runs, the engine
 * loads with threads fitted to the container and the stage prints what it loaded ({@link EngineFirst}).
 */
interface ModelStage {
}
