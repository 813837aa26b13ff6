// A webhook receiver for tests of the emulator's deliveries (records each delivery, answers as
// told): the emulator package's own, shared rather than copied.
export {startReceiver as startHookReceiver} from '../../packages/emulator/test/support/receiver.js'
