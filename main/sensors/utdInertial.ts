/** UTD-MHAD's inertial stream: a wearable at the right wrist (or thigh), 50 Hz, T × 6. */
export const UTD_MHAD_INERTIAL = {
  rate: 50,
  channels: [
    { name: 'acc_x', unit: 'g' },
    { name: 'acc_y', unit: 'g' },
    { name: 'acc_z', unit: 'g' },
    { name: 'gyro_x', unit: 'deg/s' },
    { name: 'gyro_y', unit: 'deg/s' },
    { name: 'gyro_z', unit: 'deg/s' },
  ],
};
