export { startClassifier, type Classifier, type ClassifierOptions } from "./classifier.ts";
export { loadClassifierEnv, classifierEnvSchema, type ClassifierEnv } from "./env.ts";
