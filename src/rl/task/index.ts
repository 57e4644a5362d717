// The RL task interface and the two tasks that ship (the toy addition problems, any prompt set),
// with the two model formats (the toy model's, a hub model's chat template).
export * from './types.ts';
export * from './settings.ts';
export * from './toyTask.ts';
export * from './promptSetTask.ts';
export * from './toyFormat.ts';
export * from './chatFormat.ts';
export * from './env.ts';
